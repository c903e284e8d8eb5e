"""fill the progress read model from the approved reports already stored

Revision ID: 1502
Revises: 1501

A frozen copy of the rules as they stood when the read model arrived (migrations never import the app):
the walk over each project's approved reports and the schedule warning. Later changes of the rules reach
stored rows through `flask rebuild-progress`, not through this file.
"""

import json
from collections import defaultdict, namedtuple
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from alembic import op

revision = "1502"
down_revision = "1501"
branch_labels = None
depends_on = None

ZERO = Decimal(0)
INACTIVE_LABELS = {"withdrawn": "调出", "cancelled": "取消"}
FOUR = Decimal("0.0001")


# Plain rows with real dates: SQLite hands dates back as text to raw SQL.
Report = namedtuple("Report", "project_id id period_id percent_complete invested_wan ends_on year")
Period = namedtuple("Period", "id plan_id ends_on")
Project = namedtuple("Project", "id plan_id status planned_start planned_end")


def _day(value):
    return date.fromisoformat(value[:10]) if isinstance(value, str) else value


def _months(start, end) -> int:
    return (end.year - start.year) * 12 + end.month - start.month


def _expected(start, end, as_of):
    """序时进度, exact: whole months, both the start month and the month of the date count."""
    if start is None or end is None:
        return None
    elapsed = _months(start, as_of) + 1
    if elapsed <= 0:
        return ZERO
    return min(Decimal(elapsed) / Decimal(max(_months(start, end) + 1, 1)), Decimal(1)) * 100


def _shown(value):
    return None if value is None else Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _days_behind(start, end, pct, as_of):
    """落后天数: the date is compared with the day a steady pace reaches the reported percent."""
    if start is None or end is None or pct is None:
        return None
    first = start.replace(day=1)
    after_end = date(end.year + end.month // 12, end.month % 12 + 1, 1)
    share = min(max(Decimal(pct), ZERO), Decimal(100)) / 100
    offset = (share * (after_end - first).days).to_integral_value(rounding=ROUND_HALF_UP)
    return max((as_of - (first + timedelta(days=int(offset)))).days, 0)


def _warning(project, pct, as_of, limits, started) -> tuple:
    """(expected, behind, level, reason, days behind), as the app's warning judged it (pct is set)."""
    exact = _expected(project.planned_start, project.planned_end, as_of)
    expected = _shown(exact)
    if project.status in ("withdrawn", "cancelled"):
        return expected, None, "inactive", "项目已" + INACTIVE_LABELS[project.status], None
    if project.status == "completed":
        return expected, ZERO, "green", "已竣工", None
    if exact is None:
        return None, None, "green", "未设计划起止时间，无法计算序时进度", None
    behind = max(exact - pct, ZERO)
    shown = _shown(behind)
    days = _days_behind(project.planned_start, project.planned_end, pct, as_of) if behind else 0
    months = _months(project.planned_start, as_of)
    if not started and months >= limits["not_started_months"]:
        return expected, shown, "red", f"计划开工已过 {months} 个月仍未开工", days
    if behind > limits["red_points"]:
        return expected, shown, "red", f"落后序时进度 {shown} 个百分点", days
    if behind >= limits["yellow_points"]:
        return expected, shown, "yellow", f"落后序时进度 {shown} 个百分点", days
    return expected, shown, "green", "符合序时进度", days


def _limits(conn) -> dict:
    value = conn.execute(sa.text("SELECT value FROM settings WHERE key = 'warning_thresholds'")).scalar()
    if isinstance(value, str):
        value = json.loads(value)
    value = value or {"yellow_points": "10", "red_points": "30", "not_started_months": 3}
    return {
        "yellow_points": Decimal(str(value["yellow_points"])),
        "red_points": Decimal(str(value["red_points"])),
        "not_started_months": int(value["not_started_months"]),
    }


def _money(value):
    return None if value is None else Decimal(str(value)).quantize(FOUR, rounding=ROUND_HALF_UP)


def _walk(project, reports, periods, limits, first_start):
    own = {r.period_id: r for r in reports}
    cumulative, by_year, latest, i = ZERO, defaultdict(lambda: ZERO), None, 0
    for period in periods:
        while i < len(reports) and reports[i].ends_on <= period.ends_on:
            latest = reports[i]
            cumulative += _money(latest.invested_wan) or ZERO
            by_year[latest.year] += _money(latest.invested_wan) or ZERO
            i += 1
        if latest is None:
            continue
        pct = Decimal(str(latest.percent_complete)) if latest.percent_complete is not None else None
        begun = first_start is not None and first_start <= period.ends_on
        started = (pct is not None and pct > 0) or cumulative > 0 or begun
        expected, behind, level, reason, days = _warning(project, pct, period.ends_on, limits, started)
        mine = own.get(period.id)
        yield {
            "project_id": project.id,
            "period_id": period.id,
            "last_report_id": latest.id,
            "percent_complete": pct,
            "period_invested_wan": _money(mine.invested_wan) if mine else None,
            "year_invested_wan": _money(by_year[period.ends_on.year]),
            "cumulative_invested_wan": _money(cumulative),
            "reported_in_period": mine is not None,
            "expected_pct": expected,
            "behind_points": behind,
            "level": level,
            "reason": reason[:100],
            "days_behind": days,
        }


def upgrade() -> None:
    conn = op.get_bind()
    reports = defaultdict(list)
    for row in conn.execute(
        sa.text(
            "SELECT r.project_id, r.id, r.period_id, r.percent_complete, r.invested_wan, p.ends_on, p.year"
            " FROM status_reports r JOIN reporting_periods p ON p.id = r.period_id"
            " WHERE r.status = 'approved' ORDER BY r.project_id, p.ends_on, r.period_id"
        ).columns(percent_complete=sa.Numeric(5, 2), invested_wan=sa.Numeric(16, 4))
    ):
        reports[row.project_id].append(Report(*row[:5], _day(row.ends_on), row.year))
    if not reports:
        return
    periods = defaultdict(list)
    stmt = sa.text("SELECT id, plan_id, ends_on FROM reporting_periods ORDER BY ends_on, id")
    for row in conn.execute(stmt):
        periods[row.plan_id].append(Period(row.id, row.plan_id, _day(row.ends_on)))
    limits = _limits(conn)
    money, pct = sa.Numeric(16, 4), sa.Numeric(6, 2)
    table = sa.table(
        "progress_rows",
        *(sa.column(n, sa.Integer()) for n in ("project_id", "period_id", "last_report_id")),
        sa.column("reported_in_period", sa.Boolean()),
        *(
            sa.column(n, money)
            for n in ("period_invested_wan", "year_invested_wan", "cumulative_invested_wan")
        ),
        *(sa.column(n, pct) for n in ("percent_complete", "expected_pct", "behind_points")),
        sa.column("level", sa.String()),
        sa.column("reason", sa.String()),
        sa.column("days_behind", sa.Integer()),
    )
    projects = conn.execute(
        sa.text("SELECT id, plan_id, status, planned_start, planned_end FROM projects")
    ).all()
    stmt = sa.text(
        "SELECT project_id, MIN(actual_date) FROM milestones"
        " WHERE kind IN ('groundbreaking', 'main_works') AND actual_date IS NOT NULL GROUP BY project_id"
    )
    starts = {pid: _day(day) for pid, day in conn.execute(stmt)}
    rows = []
    for p in projects:
        if p.id in reports:
            project = Project(p.id, p.plan_id, p.status, _day(p.planned_start), _day(p.planned_end))
            rows.extend(_walk(project, reports[p.id], periods[p.plan_id], limits, starts.get(p.id)))
    if rows:
        conn.execute(sa.insert(table), rows)


def downgrade() -> None:
    op.execute("DELETE FROM progress_rows")
