"""What a reviewer compares (this report beside the last approved one), and approving several at once."""

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from portfolio.db import session
from portfolio.errors import DomainError
from portfolio.reporting.models import ReportingPeriod, ReportStatus, StatusReport
from portfolio.reporting.services import approve_report


@dataclass(frozen=True)
class Comparison:
    previous: StatusReport | None
    percent_change: Decimal | None  # this percent minus the previous one
    falling: bool  # percent complete went down since the last approved report


def get_previous_approved(report: StatusReport) -> StatusReport | None:
    """The project's latest approved report of an earlier period (one statement)."""
    stmt = (
        select(StatusReport)
        .join(ReportingPeriod, ReportingPeriod.id == StatusReport.period_id)
        .where(
            StatusReport.project_id == report.project_id,
            StatusReport.status == ReportStatus.APPROVED,
            StatusReport.id != report.id,
            ReportingPeriod.ends_on < report.period.ends_on,
        )
        .options(joinedload(StatusReport.period))
        .order_by(ReportingPeriod.ends_on.desc())
        .limit(1)
    )
    return session.scalar(stmt)


def list_previous_approved(project_ids: list[int], period: ReportingPeriod) -> dict[int, StatusReport]:
    """project_id → its latest approved report of a period ending before this one (two statements)."""
    latest = (
        select(
            StatusReport.id,
            func.row_number()
            .over(partition_by=StatusReport.project_id, order_by=ReportingPeriod.ends_on.desc())
            .label("n"),
        )
        .join(ReportingPeriod, ReportingPeriod.id == StatusReport.period_id)
        .where(
            StatusReport.project_id.in_(project_ids),
            StatusReport.status == ReportStatus.APPROVED,
            ReportingPeriod.ends_on < period.ends_on,
        )
        .subquery()
    )
    stmt = (
        select(StatusReport)
        .where(StatusReport.id.in_(select(latest.c.id).where(latest.c.n == 1)))
        .options(joinedload(StatusReport.period))
    )
    return {r.project_id: r for r in session.scalars(stmt)}


def compare_percent(previous: StatusReport | None, percent: Decimal | None) -> Comparison:
    """A percent complete against the last approved report's: the change, flagged when it falls."""
    if previous is None or previous.percent_complete is None or percent is None:
        return Comparison(previous, None, False)
    change = percent - previous.percent_complete
    return Comparison(previous, change, change < 0)


def compare_with_previous(report: StatusReport) -> Comparison:
    """This report against the last approved one: the change in percent complete, flagged when it falls."""
    return compare_percent(get_previous_approved(report), report.percent_complete)


@dataclass(frozen=True)
class BulkResult:
    approved: list[StatusReport]
    refused: list[tuple[str, str]]  # (project name or report id, the reason)


def approve_reports(actor, reports: list[tuple[StatusReport, int | None]]) -> BulkResult:
    """Approve each (report, version seen) one by one, each checked and audited; refusals are collected."""
    approved, refused = [], []
    for report, version in reports:
        try:
            with session.begin_nested():  # a refusal undoes only that report
                approved.append(approve_report(actor, report, version))
        except DomainError as error:
            refused.append((report.project.name, error.message))
    return BulkResult(approved, refused)
