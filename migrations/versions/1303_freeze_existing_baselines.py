"""freeze a baseline for every plan that already held projects when plan adjustments (1302) arrived

Revision ID: 1303
Revises: 1701

A plan's first annex import is its baseline, frozen. A plan imported before revision 1302 has none; this
freezes its projects as they stand at the upgrade, the nearest record of the plan before any adjustment,
so the 规划调整 page and the evaluation report show its original totals from the start and every later
re-import or edit counts against them. A frozen copy of the snapshot rules as they stood (migrations never
import the app): content stripped (blank is none), amounts in 万元 to four places with absurd values read
as none, annual plans by year, and a project is in the plan unless it is 调出.

Downgrade removes only the baselines this revision could have made (no import batch, no user) on which no
adjustment has been recorded since; a baseline that adjustments already count against stays.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import sqlalchemy as sa
from alembic import op

revision = "1303"
down_revision = "1701"
branch_labels = None
depends_on = None

FOUR = Decimal("0.0001")
READABLE_MAX_WAN = Decimal(100_000_000) * 1000  # numbers.READABLE_MAX_WAN when this was written

plans = sa.table("plans", sa.column("id", sa.Integer))
projects = sa.table(
    "projects",
    sa.column("id", sa.Integer),
    sa.column("plan_id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("content", sa.Text),
    sa.column("start_year", sa.Integer),
    sa.column("end_year", sa.Integer),
    sa.column("total_investment_wan", sa.Numeric(16, 4)),
    sa.column("span_investment_wan", sa.Numeric(16, 4)),
    sa.column("status", sa.String),
)
annual_plans = sa.table(
    "annual_plans",
    sa.column("project_id", sa.Integer),
    sa.column("year", sa.Integer),
    sa.column("amount_wan", sa.Numeric(16, 4)),
)
baselines = sa.table(
    "plan_baselines",
    sa.column("id", sa.Integer),
    sa.column("plan_id", sa.Integer),
    sa.column("batch_id", sa.Integer),
    sa.column("user_id", sa.Integer),
    sa.column("frozen_at", sa.DateTime),
)
baseline_projects = sa.table(
    "baseline_projects",
    sa.column("baseline_id", sa.Integer),
    sa.column("project_id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("content", sa.Text),
    sa.column("start_year", sa.Integer),
    sa.column("end_year", sa.Integer),
    sa.column("total_investment_wan", sa.Numeric(16, 4)),
    sa.column("span_investment_wan", sa.Numeric(16, 4)),
    sa.column("annual", sa.JSON),
    sa.column("member", sa.Boolean),
)
adjustments = sa.table("plan_adjustments", sa.column("plan_id", sa.Integer))


def _money(value) -> Decimal | None:
    if value is None:
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite() or abs(number) > READABLE_MAX_WAN:
        return None
    return number.quantize(FOUR, rounding=ROUND_HALF_UP)


def _utcnow():
    from datetime import UTC, datetime

    return datetime.now(UTC).replace(tzinfo=None)  # stored naive, in UTC, as the app's utcnow()


def _freeze(conn, plan_id: int) -> None:
    rows = conn.execute(
        sa.select(projects).where(projects.c.plan_id == plan_id).order_by(projects.c.id)
    ).all()
    annual: dict[int, dict] = {r.id: {} for r in rows}
    amounts = sa.select(annual_plans).where(annual_plans.c.project_id.in_([r.id for r in rows]))
    for project_id, year, amount in conn.execute(amounts):
        amount = _money(amount)
        if amount is not None:
            annual[project_id][str(year)] = str(amount)
    baseline_id = conn.execute(
        sa.insert(baselines).values(plan_id=plan_id, frozen_at=_utcnow()).returning(baselines.c.id)
    ).scalar_one()
    conn.execute(
        sa.insert(baseline_projects),
        [
            {
                "baseline_id": baseline_id,
                "project_id": r.id,
                "name": r.name,
                "content": (r.content or "").strip() or None,
                "start_year": r.start_year,
                "end_year": r.end_year,
                "total_investment_wan": _money(r.total_investment_wan),
                "span_investment_wan": _money(r.span_investment_wan),
                "annual": annual[r.id],
                "member": r.status != "withdrawn",
            }
            for r in rows
        ],
    )


def upgrade() -> None:
    conn = op.get_bind()
    with_projects = sa.select(projects.c.plan_id).distinct()
    frozen = sa.select(baselines.c.plan_id)
    todo = conn.execute(
        sa.select(plans.c.id)
        .where(plans.c.id.in_(with_projects), plans.c.id.not_in(frozen))
        .order_by(plans.c.id)
    ).scalars()
    for plan_id in list(todo):
        _freeze(conn, plan_id)


def downgrade() -> None:
    conn = op.get_bind()
    ours = sa.select(baselines.c.id).where(
        baselines.c.batch_id.is_(None),
        baselines.c.user_id.is_(None),
        baselines.c.plan_id.not_in(sa.select(adjustments.c.plan_id)),
    )
    ids = list(conn.execute(ours).scalars())
    if ids:
        conn.execute(sa.delete(baseline_projects).where(baseline_projects.c.baseline_id.in_(ids)))
        conn.execute(sa.delete(baselines).where(baselines.c.id.in_(ids)))
