"""Exports: the progress sheet, the per-county workbook and the supervision list, as .xlsx bytes."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from portfolio.auth.models import Role
from portfolio.db import session
from portfolio.definitions.reports import ReportState, report_state
from portfolio.errors import DomainError
from portfolio.exports.queries import (
    list_period_reports,
    list_report_statuses,
    list_sheet_projects,
)
from portfolio.exports.sheet_layout import (
    CITY,
    Book,
    ExportFile,
    chinese_date,
    period_label,
    reporting_unit,
)
from portfolio.exports.supervision import supervision_rows, write_supervision_sheet
from portfolio.exports.template_upload import FilledRow, Issue, TemplateFile, read_template
from portfolio.funding.queries import funds_of_reports
from portfolio.funding.services import save_report_with_funds
from portfolio.localtime import local_today
from portfolio.projects.queries import ProjectFilters
from portfolio.reporting.models import ReportingPeriod, StatusReport
from portfolio.reporting.progress import progress_for
from portfolio.reporting.review import compare_percent, list_previous_approved
from portfolio.reporting.services import EDITABLE, FIELDS, ReportInput
from portfolio.supervision.queries import latest_items


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


def sheet_title(period: ReportingPeriod, kind: str, where: str | None = None) -> str:
    """焦作市“十四五”生态环境保护重大工程项目推进情况表（2023年第4季度）, from the period's plan."""
    scope = f"{where}，" if where else ""
    return f"{CITY}“{period.plan.short_name}”生态环境保护重大工程项目{kind}（{scope}{period_label(period)}）"


def _projects_and_progress(actor, period: ReportingPeriod, filters: ProjectFilters):
    projects = list_sheet_projects(actor, period.plan, filters)
    return projects, progress_for(projects, period.ends_on, period)


def _report_states(projects, period: ReportingPeriod) -> dict[int, ReportState]:
    statuses = list_report_statuses(projects, period)
    return {p.id: report_state(statuses.get(p.id)) for p in projects}


def export_supervision(
    actor, period: ReportingPeriod, filters: ProjectFilters, today: date | None = None
) -> ExportFile:
    """The supervision list (督办清单) of the period's red and yellow projects."""
    projects, progress = _projects_and_progress(actor, period, filters)
    book = Book()
    write_supervision_sheet(
        book,
        sheet_title(period, "督办清单"),
        f"填报单位：{reporting_unit(actor)}",
        f"日期：{chinese_date(today or local_today())}",
        supervision_rows(projects, progress, latest_items([p.id for p in projects]), today or local_today()),
    )
    return ExportFile(
        book.close(),
        f"{period.plan.short_name}重大工程项目督办清单_{period_label(period)}.xlsx",
        f"supervision-{period.code}.xlsx",
    )


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
