"""Demo funding: each demo project's total split over two or three sources, and funds received on its
approved reports in the same shares, so the summary, the 调度表 and the OC4IDS budgets have figures."""

from decimal import ROUND_DOWN, Decimal

from sqlalchemy import insert, select

from portfolio.db import session
from portfolio.funding.models import FundingSource, ProjectFunding, ReportFunding
from portfolio.projects.models import Project
from portfolio.reporting.models import ReportStatus, StatusReport

# Shares chosen by the project's category (cycled): plausible mixes for the demo, not data from the annex.
MIXES = (
    (("中央预算内投资", "0.3"), ("市县财政资金", "0.2"), ("企业自筹及社会资本", "0.5")),
    (("地方政府专项债券", "0.6"), ("市县财政资金", "0.4")),
    (("中央财政专项资金", "0.4"), ("省级财政资金", "0.2"), ("市县财政资金", "0.4")),
    (("银行贷款", "0.5"), ("企业自筹及社会资本", "0.5")),
)
CENT = Decimal("0.01")


def _split(amount: Decimal, mix) -> list[tuple[str, Decimal]]:
    """Shares of an amount to the cent; the last source takes the remainder, so the parts add up exactly."""
    parts = [
        (name, (amount * Decimal(share)).quantize(CENT, rounding=ROUND_DOWN)) for name, share in mix[:-1]
    ]
    return [*parts, (mix[-1][0], amount - sum((a for _, a in parts), Decimal(0)))]


def seed_demo_funding(plan) -> int:
    """Planned breakdowns and received funds for a plan with no funding yet; returns projects funded."""
    sources = dict(
        session.execute(
            select(FundingSource.name, FundingSource.id).where(FundingSource.plan_id == plan.id)
        ).all()
    )
    in_plan = select(Project.id).where(Project.plan_id == plan.id)
    if not sources or session.scalar(
        select(ProjectFunding.project_id).where(ProjectFunding.project_id.in_(in_plan)).limit(1)
    ):
        return 0
    projects = session.execute(
        select(Project.id, Project.total_investment_wan, Project.category_id).where(
            Project.plan_id == plan.id
        )
    ).all()
    mix_of = {pid: MIXES[category % len(MIXES)] for pid, _total, category in projects}
    planned = [
        {"project_id": pid, "source_id": sources[name], "amount_wan": amount}
        for pid, total, _c in projects
        if total
        for name, amount in _split(Decimal(total), mix_of[pid])
        if name in sources and amount > 0
    ]
    reports = session.execute(
        select(StatusReport.id, StatusReport.project_id, StatusReport.invested_wan).where(
            StatusReport.project_id.in_(in_plan), StatusReport.status == ReportStatus.APPROVED
        )
    ).all()
    received = [
        {"report_id": rid, "source_id": sources[name], "amount_wan": amount}
        for rid, pid, invested in reports
        if invested
        for name, amount in _split(Decimal(invested), mix_of[pid])
        if name in sources and amount > 0
    ]
    for model, rows in ((ProjectFunding, planned), (ReportFunding, received)):
        if rows:
            session.execute(insert(model), rows)
    return len({row["project_id"] for row in planned})
