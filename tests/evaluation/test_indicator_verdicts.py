"""Judgement 6: reviewers give qualitative indicators a verdict with a reason, frozen with the round."""

from datetime import date

from sqlalchemy import select

from portfolio.db import session
from portfolio.evaluation.indicators import load_indicators
from portfolio.evaluation.models import Indicator
from portfolio.evaluation.services import create_round, finalize_round
from portfolio.evaluation.snapshot import report_data
from portfolio.projects.models import Plan


def test_a_reviewer_judges_a_qualitative_indicator_and_the_verdict_is_frozen(app, users, role_client):
    """#4 地表水劣Ⅴ类水体比例, target 基本消除 (约束性): 需人工研判 until a reviewer says why it is met."""
    plan = session.scalar(select(Plan).order_by(Plan.id))
    load_indicators(plan)
    round_ = create_round(users["reviewer"], plan, "中期评估", date(2023, 12, 31))
    session.commit()
    ind = session.scalar(select(Indicator).where(Indicator.plan_id == plan.id, Indicator.seq == 4))
    client = role_client("reviewer")
    before = next(i for i in report_data(round_)["indicators"] if i["id"] == ind.id)
    assert before["status_label"] == "需人工研判"
    url = f"/evaluation/rounds/{round_.id}/indicators/{ind.id}/verdict"
    refused = client.post(url, data={"verdict": "achieved", "reason": ""}, follow_redirects=True)
    assert "请写明给出该结论的理由。" in refused.get_data(as_text=True)
    saved = client.post(url, data={"verdict": "achieved", "reason": "2023 年 3 个国控断面均达Ⅴ类以上"})
    assert saved.status_code == 302
    html = client.get(f"/evaluation/rounds/{round_.id}/report").get_data(as_text=True)
    assert "评审结论：提前完成。理由：2023 年 3 个国控断面均达Ⅴ类以上" in html
    session.expire_all()
    finalize_round(users["reviewer"], round_, round_.version)
    session.commit()
    late = client.post(url, data={"verdict": "lagging", "reason": "改判"}, follow_redirects=True)
    assert "已定稿，结论已冻结" in late.get_data(as_text=True)
    frozen = next(i for i in report_data(round_)["indicators"] if i["id"] == ind.id)
    assert frozen["status_label"] == "提前完成" and "国控断面" in frozen["explanation"]
    # A quantitative indicator takes no verdict: its figure decides.
    pm = session.scalar(select(Indicator).where(Indicator.plan_id == plan.id, Indicator.seq == 1))
    other = create_round(users["reviewer"], plan, "2024 年评估", date(2024, 12, 31))
    session.commit()
    wrong = client.post(
        f"/evaluation/rounds/{other.id}/indicators/{pm.id}/verdict",
        data={"verdict": "achieved", "reason": "x"},
        follow_redirects=True,
    )
    assert "只有本规划的定性指标需要评审人员给出结论。" in wrong.get_data(as_text=True)
