"""Reporting periods: the calendar (codes such as 2023Q4 or 2023-11 and their dates), whether a period
is open, and the services that open, close and reopen periods.

A period locks by itself once its deadline has passed (computed, never a scheduled job); a planner may
close it early or reopen it until a new date.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from portfolio.audit.services import record
from portfolio.db import session
from portfolio.errors import DomainError
from portfolio.localtime import local_today
from portfolio.plans.state import ensure_plan_open
from portfolio.projects.models import Plan
from portfolio.reporting.models import PeriodKind, PeriodStatus, ReportingPeriod

QUARTER_CODE = re.compile(r"^(\d{4})Q([1-4])$")
MONTH_CODE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
# Reports are due this many days after a period ends unless the planner sets another deadline.
DEFAULT_GRACE_DAYS = 10


@dataclass(frozen=True)
class PeriodSpan:
    code: str
    kind: PeriodKind
    year: int
    number: int
    starts_on: date
    ends_on: date

    @property
    def default_deadline(self) -> date:
        return self.ends_on + timedelta(days=DEFAULT_GRACE_DAYS)

    def period(self, plan_id: int, deadline: date) -> ReportingPeriod:
        """A new open period of a plan covering this span (not yet added to the session)."""
        return ReportingPeriod(
            plan_id=plan_id,
            code=self.code,
            kind=self.kind,
            year=self.year,
            number=self.number,
            starts_on=self.starts_on,
            ends_on=self.ends_on,
            deadline=deadline,
            status=PeriodStatus.OPEN,
        )


def month_end(year: int, month: int) -> date:
    first_of_next = date(year + month // 12, month % 12 + 1, 1)
    return first_of_next - timedelta(days=1)


def parse_code(code: str, cadence: str) -> PeriodSpan:
    """Turn a code of this deployment's cadence into the period's dates; bad codes get a Chinese message."""
    code = (code or "").strip().upper()
    if cadence == PeriodKind.QUARTER:
        m = QUARTER_CODE.match(code)
        if not m:
            raise DomainError(f"期间编号“{code}”格式不对：季度期间应写作 2023Q4。")
        year, quarter = int(m[1]), int(m[2])
        return PeriodSpan(
            code,
            PeriodKind.QUARTER,
            year,
            quarter,
            date(year, quarter * 3 - 2, 1),
            month_end(year, quarter * 3),
        )
    m = MONTH_CODE.match(code)
    if not m:
        raise DomainError(f"期间编号“{code}”格式不对：月度期间应写作 2023-11。")
    year, month = int(m[1]), int(m[2])
    return PeriodSpan(code, PeriodKind.MONTH, year, month, date(year, month, 1), month_end(year, month))


def codes_for_year(year: int, cadence: str) -> list[str]:
    if cadence == PeriodKind.QUARTER:
        return [f"{year}Q{q}" for q in range(1, 5)]
    return [f"{year}-{m:02d}" for m in range(1, 13)]


def span_containing(day: date, cadence: str) -> PeriodSpan:
    """The period of this cadence that contains a day."""
    if cadence == PeriodKind.QUARTER:
        return parse_code(f"{day.year}Q{(day.month - 1) // 3 + 1}", cadence)
    return parse_code(f"{day.year}-{day.month:02d}", cadence)


def is_open(period: ReportingPeriod, today: date) -> bool:
    """Open for reporting: not closed, and before the deadline or within a planner's reopening."""
    if period.status != PeriodStatus.OPEN:
        return False
    last_day = max(period.deadline, period.reopened_until or period.deadline)
    return today <= last_day


def state_label(period: ReportingPeriod, today: date) -> str:
    if is_open(period, today):
        if period.reopened_until and today > period.deadline:
            return f"已重新开放（至 {period.reopened_until.isoformat()}）"
        return "填报中"
    if period.status == PeriodStatus.LOCKED:
        return "已关闭"
    return "已过截止日，已锁定"


def open_period(
    actor, plan: Plan, code: str, deadline: date | None, cadence: str, today: date | None = None
) -> ReportingPeriod:
    """Create a period of the deployment's cadence within the plan's years, open until its deadline."""
    ensure_plan_open(plan)
    span = parse_code(code, cadence)
    if span.year not in plan.years:
        raise DomainError(f"期间 {span.code} 不在{plan.short_name}规划期（{plan.years_label}）内。")
    exists = session.scalar(
        select(ReportingPeriod.id).where(
            ReportingPeriod.plan_id == plan.id, ReportingPeriod.code == span.code
        )
    )
    if exists:
        raise DomainError(f"期间 {span.code} 已存在。")
    deadline = deadline or span.default_deadline
    if deadline < span.starts_on:
        raise DomainError("截止日期不能早于期间开始日期。")
    period = span.period(plan.id, deadline)
    session.add(period)
    session.flush()
    record(actor, "period.open", period, after=_snapshot(period), summary=f"开放填报期间 {span.code}")
    return period


def _snapshot(period: ReportingPeriod) -> dict:
    return {
        "code": period.code,
        "deadline": period.deadline.isoformat(),
        "status": period.status.value,
        "reopened_until": period.reopened_until.isoformat() if period.reopened_until else None,
    }


def close_period(actor, period: ReportingPeriod) -> ReportingPeriod:
    """Lock a period before its deadline; audited."""
    if period.status == PeriodStatus.LOCKED:
        raise DomainError(f"期间 {period.code} 已关闭。")
    before = _snapshot(period)
    period.status = PeriodStatus.LOCKED
    period.reopened_until = None
    session.flush()
    record(
        actor,
        "period.close",
        period,
        before=before,
        after=_snapshot(period),
        summary=f"关闭期间 {period.code}",
    )
    return period


def reopen_period(actor, period: ReportingPeriod, until: date, today: date | None = None) -> ReportingPeriod:
    """Open a locked period again until a new date (a planner's decision); audited."""
    today = today or local_today()
    if until is None or until < today:
        raise DomainError("重新开放的截止日期不能早于今天。")
    if is_open(period, today):
        raise DomainError(f"期间 {period.code} 仍在填报中，无需重新开放。")
    before = _snapshot(period)
    period.status = PeriodStatus.OPEN
    period.reopened_until = until
    session.flush()
    record(
        actor,
        "period.reopen",
        period,
        before=before,
        after=_snapshot(period),
        summary=f"重新开放期间 {period.code} 至 {until.isoformat()}",
    )
    return period
