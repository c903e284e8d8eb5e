"""Demo reporting history: a few past quarters of approved reports and one open quarter in progress.

Deterministic (a seeded random generator) and relative to the plan's years, so a newcomer sees green,
yellow and red projects, the report history of each, and a needs-reporting page with work on it.
The past periods are written directly (their deadlines have passed, so the services would refuse them).
"""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import func, insert, select
from sqlalchemy.orm import selectinload

from portfolio.audit.models import AuditEntry
from portfolio.auth.models import Role, User
from portfolio.db import session
from portfolio.localtime import local_today
from portfolio.projects.models import LifecycleStatus, Plan, Project
from portfolio.reporting.models import ReportingPeriod, ReportStatus, StatusReport
from portfolio.reporting.periods import codes_for_year, parse_code
from portfolio.reporting.warnings import expected_progress

SEED = 14
# How far behind the pro-rata schedule each kind of project ends up, in points (low, high).
BEHIND = {"green": (-6, 6), "yellow": (12, 26), "red": (34, 60)}
SHARES = [("green", 0.55), ("yellow", 0.27), ("red", 0.18)]
# In the open period: what each project has done so far.
OPEN_STATES = [("approved", 0.12), ("submitted", 0.3), ("draft", 0.08), ("returned", 0.06), ("missing", 0.44)]
TEXTS = {
    "progress": [
        "前期手续办理中",
        "场地平整完成",
        "主体工程施工中",
        "设备采购安装中",
        "管网铺设过半",
        "单机调试完成",
    ],
    "problems": ["征地拆迁推进较慢", "资金到位不足", "雨季影响施工", "设备供货延迟", "无"],
    "next": ["加快主体施工", "推进设备安装调试", "完成管网铺设", "组织阶段验收", "落实配套资金"],
}


def _pick(rng: random.Random, weighted: list[tuple[str, float]]) -> str:
    return rng.choices([k for k, _ in weighted], weights=[w for _, w in weighted])[0]


def _periods(plan: Plan) -> tuple[list[ReportingPeriod], ReportingPeriod]:
    """Seven past quarters from the plan's third year, then the next quarter, open for another month."""
    first = plan.mid_term_year
    codes = [c for y in (first, first + 1) for c in codes_for_year(y, "quarter")][1:]
    open_code = codes_for_year(plan.clamp_year(first + 2), "quarter")[0]
    made = []
    for code in [*codes, open_code]:
        span = parse_code(code, "quarter")
        deadline = span.default_deadline
        if code == open_code:  # open when the newcomer looks, whatever today is
            deadline = max(deadline, local_today() + timedelta(days=30))
        made.append(span.period(plan.id, deadline))
    session.add_all(made)
    session.flush()
    return made[:-1], made[-1]


def _at(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(1 + rng.randrange(8), rng.randrange(60)))


def _report(project, period, pct: Decimal, invested: Decimal, rng, status, users) -> StatusReport:
    officer, planner = users
    submitted = period.ends_on + timedelta(days=rng.randrange(1, 9))
    report = StatusReport(
        project_id=project.id,
        period_id=period.id,
        status=status,
        progress_text=rng.choice(TEXTS["progress"]),
        percent_complete=pct,
        invested_wan=invested,
        problems=rng.choice(TEXTS["problems"]),
        next_steps=rng.choice(TEXTS["next"]),
        created_by_id=officer,
    )
    if status != ReportStatus.DRAFT:
        report.submitted_by_id, report.submitted_at = officer, _at(submitted, rng)
    if status in (ReportStatus.APPROVED, ReportStatus.RETURNED):
        report.reviewed_by_id, report.reviewed_at = planner, _at(submitted + timedelta(days=2), rng)
    if status == ReportStatus.RETURNED:
        report.return_reason = "本期投资与台账不一致，请核实后重新报送"
    return report


def _quarter_amount(project: Project, year: int, factor: float, rng) -> Decimal:
    planned = next((a.amount_wan for a in project.annual_plans if a.year == year), None)
    base = (planned or (project.total_investment_wan or Decimal(0)) / 5) / 4
    return (base * Decimal(str(round(factor * rng.uniform(0.85, 1.15), 3)))).quantize(Decimal("0.01"))


def _history(project, past, open_period, rng, users) -> list[StatusReport]:
    # Each project keeps a steady distance from its pro-rata schedule, so any evaluation date in the
    # history (the mid-term too) shows the same realistic mix of green, yellow and red.
    kind = _pick(rng, SHARES)
    behind = rng.randint(*BEHIND[kind])
    started = [p for p in past if project.planned_start is None or p.ends_on >= project.planned_start]
    factor = {"green": 1.0, "yellow": 0.65, "red": 0.3}[kind]
    reports, final = [], Decimal(0)
    for period in started:
        schedule = expected_progress(project.planned_start, project.planned_end, period.ends_on)
        expected = Decimal(50) if schedule is None else schedule
        final = max(final, min(Decimal(100), expected - behind)).quantize(Decimal("0.1"))
        amount = _quarter_amount(project, period.year, factor, rng)
        reports.append(_report(project, period, final, amount, rng, ReportStatus.APPROVED, users))
    if started and final > 0:
        project.status = LifecycleStatus.UNDER_CONSTRUCTION
    state = _pick(rng, OPEN_STATES)
    if state != "missing":
        pct = min(Decimal(100), final + rng.randint(0, 6))
        amount = _quarter_amount(project, open_period.year, factor, rng)
        reports.append(_report(project, open_period, pct, amount, rng, ReportStatus(state), users))
    return reports


def seed_demo_reports(plan: Plan) -> int:
    """Create the demo periods and reports for a plan's projects; does nothing if the plan has periods."""
    if session.scalar(select(ReportingPeriod.id).where(ReportingPeriod.plan_id == plan.id).limit(1)):
        return 0
    rng = random.Random(SEED)
    projects = session.scalars(
        select(Project)
        .where(Project.plan_id == plan.id)
        .options(selectinload(Project.annual_plans), selectinload(Project.locations))
        .order_by(Project.id)
    ).all()
    planner = session.scalar(select(User.id).where(User.role == Role.PLANNER).order_by(User.id))
    # Reports come from the project's county officer where there is one, else from the planners' office.
    officers = dict(
        session.execute(
            select(User.county_id, func.min(User.id))
            .where(User.role == Role.COUNTY_OFFICER, User.county_id.is_not(None))
            .group_by(User.county_id)
        ).all()
    )
    past, open_period = _periods(plan)
    reports = []
    for p in projects:
        officer = next((officers[loc.id] for loc in p.locations if loc.id in officers), planner)
        reports += _history(p, past, open_period, rng, (officer, planner))
    session.add_all(reports)
    session.flush()
    _audit_trail(reports, {p.id: p.name for p in projects}, {p.id: p.code for p in [*past, open_period]})
    return len(reports)


def _audit_trail(reports: list[StatusReport], names: dict[int, str], codes: dict[int, str]) -> None:
    """The audit entries the workflow would have written: each report's submission and its review.

    The report page counts submissions (第 N 次报送) from these, as the review history lists them."""
    rows = []
    for r in reports:
        what = f"{names[r.project_id]} {codes[r.period_id]} 进度报告"
        if r.submitted_at is not None:
            rows.append(
                _entry(r, "report.submit", r.submitted_by_id, r.submitted_at, f"报送 {what}", "submitted")
            )
        if r.status == ReportStatus.APPROVED:
            rows.append(
                _entry(r, "report.approve", r.reviewed_by_id, r.reviewed_at, f"审核通过 {what}", "approved")
            )
        elif r.status == ReportStatus.RETURNED:
            after = {"status": "returned", "reason": r.return_reason}
            entry = _entry(
                r, "report.return", r.reviewed_by_id, r.reviewed_at, f"退回 {what}：{r.return_reason}"
            )
            rows.append(entry | {"after": after})
    if rows:
        session.execute(insert(AuditEntry), rows)


def _entry(report, action, user_id, at, summary, status=None) -> dict:
    return {
        "at": at,
        "user_id": user_id,
        "action": action,
        "entity_type": "StatusReport",
        "entity_id": report.id,
        "summary": summary,
        "before": None,
        "after": {"status": status} if status else None,
    }
