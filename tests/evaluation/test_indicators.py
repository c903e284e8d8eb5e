from collections import Counter
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from portfolio.db import session
from portfolio.errors import DomainError
from portfolio.evaluation.indicator_assessment import IndicatorStatus, YearValue, assess_indicator
from portfolio.evaluation.indicators import SEED_CSV, load_indicators, parse_target
from portfolio.evaluation.models import Indicator, TargetKind
from portfolio.evaluation.services import record_indicator_value, set_provincial_target
from portfolio.projects.models import Plan

SHARED_CSV = SEED_CSV.parents[1] / ".." / "shared" / "plan" / "indicators.csv"


@pytest.fixture
def plan(app) -> Plan:
    found = session.scalar(select(Plan).order_by(Plan.id))
    load_indicators(found)
    session.commit()
    return found


def _ind(plan, seq) -> Indicator:
    return session.scalar(select(Indicator).where(Indicator.plan_id == plan.id, Indicator.seq == seq))


def _assess(plan, seq, values: dict, year: int | None = None):
    vals = {
        plan.start_year + k: YearValue(Decimal(str(v)) if v is not None else None) for k, v in values.items()
    }
    year = year if year is not None else plan.start_year + 2
    return assess_indicator(_ind(plan, seq), vals, year, plan.start_year - 1, plan.end_year)


@pytest.mark.parametrize(
    ("text", "baseline", "kind", "value"),
    [
        ("≤43", None, TargetKind.AT_MOST, "43"),
        ("≥95", Decimal(100), TargetKind.AT_LEAST, "95"),
        ("43", Decimal(56), TargetKind.AT_MOST, "43"),  # lower than the baseline: lower is better
        ("60.5", Decimal("57.5"), TargetKind.AT_LEAST, "60.5"),
        ("35", Decimal(35), TargetKind.AT_LEAST, "35"),  # unchanged: keep at least
        ("[9700]", None, TargetKind.CUMULATIVE, "9700"),
        ("按省下达目标", None, TargetKind.PROVINCIAL, None),
        ("基本消除", Decimal(0), TargetKind.QUALITATIVE, None),
        ("稳中向好", None, TargetKind.QUALITATIVE, None),
    ],
)
def test_parse_target(text, baseline, kind, value):
    target = parse_target(text, baseline)
    assert target.kind == kind
    assert target.value == (Decimal(value) if value else None)


def test_the_shipped_csv_is_the_shared_table():
    assert SEED_CSV.read_text(encoding="utf-8") == SHARED_CSV.read_text(encoding="utf-8")


def test_load_is_idempotent_and_reads_every_form(plan):
    assert session.scalar(select(func.count(Indicator.id))) == 25
    kinds = Counter(i.target_kind for i in session.scalars(select(Indicator)))
    assert kinds == {
        TargetKind.AT_MOST: 2,
        TargetKind.AT_LEAST: 7,
        TargetKind.CUMULATIVE: 4,
        TargetKind.QUALITATIVE: 6,
        TargetKind.PROVINCIAL: 6,
    }
    pm = _ind(plan, 1)
    assert (pm.baseline_value, pm.target_value, pm.binding) == (Decimal(56), Decimal(43), True)
    assert _ind(plan, 5).binding is False
    assert load_indicators(plan) == {"created": 0, "updated": 0, "unchanged": 25}


def test_numeric_target_against_the_pro_rata_line(plan):
    ahead = _assess(plan, 1, {2: 47})
    assert ahead.status == IndicatorStatus.ON_TRACK and ahead.expected == Decimal("48.2")
    assert ahead.explanation == "基准 56 → 目标 ≤43，2023 年实际 47，序时应达 48.2，已优于序时"
    behind = _assess(plan, 1, {1: 50, 2: 50})
    assert behind.status == IndicatorStatus.LAGGING and behind.explanation.endswith("落后序时 1.8")
    done = _assess(plan, 1, {1: 42})
    assert done.status == IndicatorStatus.ACHIEVED and done.label == "提前完成"
    level = _assess(plan, 2, {2: "59.3"})  # 57.5 + 3 × 3/5
    assert level.status == IndicatorStatus.ON_TRACK and level.explanation.endswith("与序时持平")
    final = _assess(plan, 2, {4: "60.6"}, year=plan.end_year)
    assert final.status == IndicatorStatus.DONE and final.label == "完成"
    keep = _assess(plan, 23, {2: "34.8"})  # 35 → 35: a floor to keep, 0.2 below it
    assert keep.status == IndicatorStatus.FLOOR_MISSED and keep.explanation.endswith(
        "低于约束性底线 35 共 0.2"
    )
    assert _assess(plan, 18, {2: 97}).status == IndicatorStatus.FLOOR_MET  # ≥95, baseline 100
    later = _assess(plan, 1, {2: 47, 3: 60})  # a value after the evaluation year is ignored
    assert later.data_year == plan.start_year + 2
    stale = _assess(plan, 1, {2: 47}, year=plan.end_year)
    assert stale.status == IndicatorStatus.NOT_DONE
    assert stale.explanation.endswith(f"（截至 {plan.end_year} 年的最新数据为 {plan.start_year + 2} 年）")


def test_cumulative_target_sums_the_years(plan):
    lag = _assess(plan, 14, {0: 2000, 1: 1800, 2: 2000})  # 5800 < 9700 × 3/5 = 5820
    assert lag.status == IndicatorStatus.LAGGING and lag.expected == Decimal(5820)
    assert "2000＋1800＋2000 = 5800" in lag.explanation and lag.explanation.endswith("落后序时 20")
    ok = _assess(plan, 14, {0: 2000, 1: 1900, 2: 2000})
    assert ok.status == IndicatorStatus.ON_TRACK
    gap = _assess(plan, 14, {0: 3000, 2: 2800})  # 2022 missing: incomplete, not 0
    assert "缺 2022 年数据，不按 0 计" in gap.explanation and gap.status == IndicatorStatus.MANUAL
    assert _assess(plan, 17, {0: 60, 1: 60, 2: 60}).status == IndicatorStatus.ACHIEVED  # 180 ≥ [156]


def test_qualitative_provincial_and_missing_data_need_judgement(plan, users):
    ind = _ind(plan, 4)
    vals = {plan.start_year + 2: YearValue(None, "已基本消除")}
    result = assess_indicator(ind, vals, plan.start_year + 2, plan.start_year - 1, plan.end_year)
    assert result.status == IndicatorStatus.MANUAL and "已基本消除" in result.explanation
    assert _assess(plan, 8, {2: 10}).status == IndicatorStatus.MANUAL
    assert "目标待省下达" in _assess(plan, 8, {2: 10}).explanation
    assert _assess(plan, 1, {}).status == IndicatorStatus.MANUAL
    set_provincial_target(users["planner"], _ind(plan, 8), "≥13.5")
    assert _assess(plan, 8, {2: 14}).status == IndicatorStatus.FLOOR_MET
    assert _assess(plan, 8, {2: 12}).status == IndicatorStatus.FLOOR_MISSED  # no baseline: a level to reach
    assert load_indicators(plan)["updated"] == 0  # reloading keeps the entered target
    assert _ind(plan, 8).target_text == "≥13.5"


def test_recording_values_checks_input(plan, users):
    planner = users["planner"]
    row = record_indicator_value(planner, _ind(plan, 1), plan.start_year + 2, "47", "省公报", None)
    assert row.value == Decimal(47)
    again = record_indicator_value(planner, _ind(plan, 1), plan.start_year + 2, "46.5", "更正", "复核")
    assert again.id == row.id and again.value == Decimal("46.5")
    text = record_indicator_value(planner, _ind(plan, 4), plan.start_year, "已基本消除", None, None)
    assert text.value is None and text.value_text == "已基本消除"
    with pytest.raises(DomainError, match="应为数字"):
        record_indicator_value(planner, _ind(plan, 1), plan.start_year, "较好", None, None)
    with pytest.raises(DomainError, match="年份应在"):
        record_indicator_value(planner, _ind(plan, 1), plan.end_year + 1, "40", None, None)
    with pytest.raises(DomainError, match="按省下达目标"):
        set_provincial_target(planner, _ind(plan, 1), "≤40")
    with pytest.raises(DomainError, match="目标值应为数字"):
        set_provincial_target(planner, _ind(plan, 8), "更好")
