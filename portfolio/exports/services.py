"""Exports: the fill-in template's import, and the command line's operator that sheets are written for."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from portfolio.auth.models import Role
from portfolio.db import session
from portfolio.errors import DomainError
from portfolio.exports.queries import (
    list_period_reports,
)
from portfolio.exports.template_upload import FilledRow, Issue, TemplateFile, read_template
from portfolio.funding.queries import funds_of_reports
from portfolio.funding.services import save_report_with_funds
from portfolio.reporting.models import ReportingPeriod, StatusReport
from portfolio.reporting.review import compare_percent, list_previous_approved
from portfolio.reporting.services import EDITABLE, FIELDS, ReportInput


@dataclass(frozen=True)
class Operator:
    """Whoever runs a command on the server: sees every project, and is no account."""

    id: None = None
    role: Role = Role.ADMIN
    county_id: None = None
    unit_id: None = None
    county: None = None
    unit: None = None
    is_authenticated: bool = True
    is_active: bool = True
    display_name: str = "命令行"


def _same_funds(funds: dict | None, stored: dict) -> bool:
    """The row's funds received equal the stored ones (a template without funding columns leaves them)."""
    if funds is None:
        return True
    ours = {sid: amount for sid, amount in funds.items() if amount}
    return ours.keys() == stored.keys() and all(ours[sid].compare(stored[sid]) == 0 for sid in ours)


def _unchanged(data: ReportInput, report: StatusReport) -> bool:
    """The row repeats what the stored report already holds (milestones are not in the template)."""
    for name, _label in FIELDS:
        if name == "milestone_updates":
            continue
        ours, stored = getattr(data, name), getattr(report, name)
        if isinstance(ours, Decimal) and isinstance(stored, Decimal):
            if ours.compare(stored) != 0:
                return False
        elif (ours or None) != (stored or None):
            return False
    return True


def _outcome(row: FilledRow, report: StatusReport | None, stored_funds: dict) -> str:
    if row.data is None:
        return "blank"
    if (
        report is not None
        and report.status not in EDITABLE
        and _unchanged(row.data, report)
        and _same_funds(row.funds, stored_funds)
    ):
        return "unchanged"
    return "submit"


def _submit_row(actor, template: TemplateFile, row: FilledRow, today: date | None) -> None:
    period = template.period
    try:
        with session.begin_nested():
            save_report_with_funds(
                actor, row.project, period, row.data, row.funds, row.version, submit=True, today=today
            )
    except DomainError as e:
        template.issues.append(Issue(row.row, "", "", f"{row.project.name}：{e.message}"))


def import_template(
    actor,
    data: bytes,
    secret: str,
    expected_period: ReportingPeriod | None = None,
    dry_run: bool = False,
    today: date | None = None,
) -> TemplateFile:
    """Each filled-in row of a template becomes a submitted report, all or none; a dry run writes nothing."""
    template = read_template(actor, data, secret, expected_period)
    if template.issues:
        return template
    reports = list_period_reports([r.project for r in template.rows], template.period)
    funds = funds_of_reports([r.id for r in reports.values()])
    previous = list_previous_approved([r.project.id for r in template.rows], template.period)
    for row in template.rows:
        if row.data is not None:
            row.comparison = compare_percent(previous.get(row.project.id), row.data.percent_complete)
    with session.begin_nested() as savepoint:  # released on leaving the block unless rolled back here
        for row in template.rows:
            report = reports.get(row.project.id)
            row.outcome = _outcome(row, report, funds.get(report.id, {}) if report else {})
            if row.outcome == "submit":
                _submit_row(actor, template, row, today)
        if dry_run or template.issues:
            savepoint.rollback()
    return template
