"""data: the 14th plan's funding source list, for databases that already hold the plan

Revision ID: 1402
Revises: 1401
"""

import sqlalchemy as sa
from alembic import op

revision = "1402"
down_revision = "1401"
branch_labels = None
depends_on = None

# A copy, not an import: a migration must keep meaning what it meant when it was written.
SOURCES = [
    ("中央预算内投资", ["中央预算内", "中央预算内资金"]),
    ("中央财政专项资金", ["中央专项资金", "中央财政资金"]),
    ("地方政府专项债券", ["专项债", "专项债券", "地方专项债", "政府专项债"]),
    ("省级财政资金", ["省级资金", "省财政资金", "省级财政"]),
    ("市县财政资金", ["市县资金", "市级财政资金", "县级财政资金", "地方财政资金"]),
    ("银行贷款", ["贷款", "银行融资"]),
    ("企业自筹及社会资本", ["企业自筹", "社会资本", "自筹资金", "企业投资"]),
    ("其他", ["其他资金"]),
]

plans = sa.table("plans", sa.column("id", sa.Integer), sa.column("short_name", sa.String))
sources = sa.table(
    "funding_sources",
    sa.column("plan_id", sa.Integer),
    sa.column("position", sa.Integer),
    sa.column("name", sa.String),
    sa.column("aliases", sa.JSON),
)


def upgrade() -> None:
    conn = op.get_bind()
    plan_ids = conn.execute(sa.select(plans.c.id).where(plans.c.short_name == "十四五")).scalars().all()
    for plan_id in plan_ids:
        if conn.execute(sa.select(sources.c.name).where(sources.c.plan_id == plan_id)).first():
            continue
        conn.execute(
            sources.insert(),
            [
                {"plan_id": plan_id, "position": i, "name": name, "aliases": aliases}
                for i, (name, aliases) in enumerate(SOURCES)
            ],
        )


def downgrade() -> None:
    conn = op.get_bind()
    plan_ids = conn.execute(sa.select(plans.c.id).where(plans.c.short_name == "十四五")).scalars().all()
    names = [name for name, _ in SOURCES]
    if plan_ids:
        used = sa.text(
            "SELECT 1 FROM project_funding pf JOIN funding_sources s ON s.id = pf.source_id "
            "WHERE s.plan_id = :p UNION SELECT 1 FROM report_funding rf JOIN funding_sources s "
            "ON s.id = rf.source_id WHERE s.plan_id = :p"
        )
        for plan_id in plan_ids:
            if not conn.execute(used, {"p": plan_id}).first():
                conn.execute(sources.delete().where(sources.c.plan_id == plan_id, sources.c.name.in_(names)))
