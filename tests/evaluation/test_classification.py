from collections import Counter
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from portfolio.db import session
from portfolio.evaluation.models import ProjectAssessment
from portfolio.evaluation.services import create_round, default_rounds
from portfolio.projects.models import Plan
from tests.evaluation.fixtures import EXPECTED, build_portfolio


def _plan() -> Plan:
    return session.scalar(select(Plan).order_by(Plan.id))


def test_default_rounds_follow_the_plan_years(app):
    plan = _plan()
    (mid_name, mid), (final_name, final) = default_rounds(plan)
    assert (mid_name, mid) == ("中期评估", date(plan.start_year + 2, 12, 31))
    assert (final_name, final) == ("终期评估", date(plan.end_year, 12, 31))


def test_hand_computed_portfolio_gives_the_expected_classes(app, users):
    plan = _plan()
    projects = build_portfolio(plan)
    name, as_of = default_rounds(plan)[0]
    round_ = create_round(users["reviewer"], plan, name, as_of)
    got = {
        a.project_id: a.computed_class.value
        for a in session.scalars(select(ProjectAssessment).where(ProjectAssessment.round_id == round_.id))
    }
    assert {letter: got[p.id] for letter, p in projects.items()} == EXPECTED
    assert Counter(got.values()) == Counter(
        {"completed_early": 1, "completed": 2, "on_schedule": 2, "lagging": 4, "not_started": 3}
        | {"withdrawn": 1, "cancelled": 1}
    )


def test_reasons_say_how_far_behind(app, users):
    from portfolio.evaluation.snapshot import build_report

    plan = _plan()
    projects = build_portfolio(plan)
    round_ = create_round(users["reviewer"], plan, *default_rounds(plan)[0])
    rows = {r["project_id"]: r for r in build_report(round_)["projects"]}
    e = rows[projects["E"].id]
    assert e["reason"] == "序时进度 50%，实际 20%，落后 30 个百分点（按计划工期折算约 14 个月）"
    assert Decimal(e["behind_points"]) == 30 and e["behind_months"] == 14
    assert e["problems"] == "征地拆迁未完成" and e["county"] == "跨县区"
    assert rows[projects["G"].id]["reason"].endswith("逾期 9 个月未开工")
    assert "尚未到开工时间" in rows[projects["H"].id]["reason"]
    assert (
        "早于计划完工时间" in rows[projects["A"].id]["reason"]
        and "18 个月" in rows[projects["A"].id]["reason"]
    )
    assert "已超过计划完工 6 个月" in rows[projects["K"].id]["reason"]
    assert "主体工程完工" in rows[projects["L"].id]["reason"]


def test_final_round_sees_later_reports(app, users):
    plan = _plan()
    projects = build_portfolio(plan)
    round_ = create_round(users["reviewer"], plan, *default_rounds(plan)[1])
    got = {
        a.project_id: a.computed_class
        for a in session.scalars(select(ProjectAssessment).where(ProjectAssessment.round_id == round_.id))
    }
    assert got[projects["N"].id].value == "completed_early"  # 100 % in Q1 of year 4, planned end year 5
    assert got[projects["M"].id].value == "lagging"  # started, but 30 % of an expected 100 %
