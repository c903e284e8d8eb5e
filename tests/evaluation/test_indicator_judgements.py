"""Indicator judgements of issue 18, each on an indicator of the plan (专栏1), with the reviewer's text."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from portfolio.db import session
from portfolio.errors import DomainError
from portfolio.evaluation.indicator_assessment import IndicatorStatus as S
from portfolio.evaluation.indicator_assessment import YearValue, assess_indicator
from portfolio.evaluation.indicators import load_indicators
from portfolio.evaluation.models import Indicator
from portfolio.evaluation.services import set_provincial_target
from portfolio.projects.models import Plan


@pytest.fixture
def plan(app) -> Plan:
    found = session.scalar(select(Plan).order_by(Plan.id))
    load_indicators(found)
    session.commit()
    return found


def _ind(plan, seq) -> Indicator:
    return session.scalar(select(Indicator).where(Indicator.plan_id == plan.id, Indicator.seq == seq))


def judge(plan, seq, values: dict[int, str], year: int):
    vals = {y: YearValue(Decimal(v)) for y, v in values.items()}
    return assess_indicator(_ind(plan, seq), vals, year, plan.start_year - 1, plan.end_year)


def test_1_a_provincial_cap_entered_as_a_plain_number_asks_for_its_direction(plan, users):
    """#11 全市用水总量 (亿立方米, 约束性, 按省下达目标): the province sets 5.2, a cap."""
    water = _ind(plan, 11)
    with pytest.raises(DomainError, match="请选择目标方向"):
        set_provincial_target(users["planner"], water, "5.2")
    with pytest.raises(DomainError, match="不一致"):
        set_provincial_target(users["planner"], water, "≥5.2", "at_most")
    set_provincial_target(users["planner"], water, "5.2", "at_most")
    assert water.target_text == "≤5.2"
    over = judge(plan, 11, {2023: "5.5"}, 2023)
    assert (over.label, over.explanation) == (
        "未达到",
        "约束性上限 ≤5.2，2023 年实际 5.5，高于约束性上限 5.2 共 0.3",
    )
    within = judge(plan, 11, {2023: "4.9"}, 2023)
    assert (within.label, within.explanation) == ("已达到", "约束性上限 ≤5.2，2023 年实际 4.9，守住上限")


def test_1_a_plain_number_stored_before_is_not_guessed(plan):
    water = _ind(plan, 11)
    water.target_text, water.target_value = "5.2", Decimal("5.2")
    result = judge(plan, 11, {2023: "5.5"}, 2023)
    assert result.status == S.MANUAL and "未注明方向（不高于或不低于）" in result.explanation


def test_1_the_direction_is_asked_on_the_indicator_page(plan, users, role_client):
    client = role_client("planner")
    water = _ind(plan, 11)
    refused = client.post(f"/evaluation/indicators/{water.id}/target", data={"target": "5.2"})
    assert refused.status_code == 400 and "请选择目标方向" in refused.get_data(as_text=True)
    done = client.post(
        f"/evaluation/indicators/{water.id}/target", data={"target": "5.2", "direction": "at_most"}
    )
    assert done.status_code == 302
    session.expire_all()
    assert _ind(plan, 11).target_text == "≤5.2"


@pytest.mark.parametrize(
    ("seq", "baseline"),
    [(22, "100"), (18, "100"), (1, "56")],  # 医疗废物无害化处置率, 受污染耕地安全利用率, PM2.5
)
def test_2_a_baseline_value_alone_is_data_missing(plan, seq, baseline):
    result = judge(plan, seq, {2020: baseline}, 2023)
    assert result.status == S.MANUAL and result.label == "需人工研判"
    assert result.explanation == "数据缺失：只有 2020 年基准值，2021—2023 年尚无实际值"


def test_3_floor_targets_are_judged_against_the_floor(plan):
    """#18 受污染耕地安全利用率: baseline 100, target ≥95 (约束性) — a floor, not a pro-rata line."""
    below = judge(plan, 18, {2023: "94"}, 2023)
    assert below.label == "未达到"
    assert below.explanation == "基准 100，约束性底线 ≥95，2023 年实际 94，低于约束性底线 95 共 1"
    assert "序时" not in below.explanation
    kept = judge(plan, 18, {2023: "100"}, 2023)
    assert (kept.label, kept.explanation) == ("已达到", "基准 100，约束性底线 ≥95，2023 年实际 100，守住底线")
    # #20 放射源辐射事故年发生率 0 → ≤1.3; #21 危险废物利用处置率 ≥98 (no baseline);
    # #22 医疗废物无害化处置率 100 → 100; #23 森林覆盖率 35 → 35: none is 提前完成 at mid-term.
    assert judge(plan, 20, {2023: "0"}, 2023).label == "已达到"
    assert judge(plan, 21, {2023: "99"}, 2023).label == "已达到"
    assert judge(plan, 22, {2023: "100"}, 2023).explanation.endswith("保持在目标水平")
    assert judge(plan, 23, {2023: "35.2"}, 2023).label == "保持"


def test_4_a_missing_middle_year_is_incomplete_data_not_zero(plan):
    """#14 氮氧化物重点工程减排量 [9700] (五年累计): 2021 and 2023 reported, 2022 missing."""
    result = judge(plan, 14, {2021: "3000", 2023: "2800"}, 2023)
    assert result.status == S.MANUAL
    assert result.explanation.startswith("数据不完整：缺 2022 年数据，不按 0 计；")
    assert "滞后" not in result.explanation and "落后" not in result.explanation


def test_5_the_final_round_judges_complete_or_not(plan):
    """#1 PM2.5 56 → 43 in 2025."""
    missed = judge(plan, 1, {2025: "45"}, 2025)
    assert (missed.label, missed.explanation) == (
        "未完成",
        "基准 56 → 目标 ≤43，2025 年实际 45，未达到目标值，距目标 2",
    )
    met = judge(plan, 1, {2025: "42.5"}, 2025)
    assert (met.label, met.explanation) == ("完成", "基准 56 → 目标 ≤43，2025 年实际 42.5，已达到目标值")
    total = judge(plan, 17, {y: "30" for y in range(2021, 2026)}, 2025)  # 氨氮 [156]: 150
    assert total.label == "未完成" and total.explanation.endswith("未完成累计目标，距目标 6")
    assert judge(plan, 18, {2025: "94"}, 2025).label == "未完成"
