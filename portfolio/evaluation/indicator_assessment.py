"""Assessing an indicator as of a year against the pro-rata track (序时进度). Pure functions, no database.

The rule (shown on the indicators page as PRO_RATA_RULE):
- The track runs in a straight line from the baseline (the year before the plan starts) to the target
  (the plan's last year): expected(y) = baseline + (target − baseline) × (y − base year) ÷ (target year
  − base year).
- The latest actual value in or before the evaluation year is compared, at its own year.
- Meeting the target already → achieved (提前完成, or 已完成 in the target year); otherwise at least
  as good as expected(y) → on track; otherwise lagging.
- A five-year cumulative target sums the yearly amounts: expected = target × years elapsed ÷ years
  in the plan.
- Qualitative targets, targets the province has not set yet, indicators with no data, and numeric targets
  without a baseline that are not yet met need a reviewer's judgement.
"""

from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from portfolio.db import LabelledEnum
from portfolio.evaluation.indicators import parse_target
from portfolio.evaluation.models import Indicator, TargetKind

PRO_RATA_RULE = (
    "序时进度按线性推进计算：以规划开始前一年的基准值为起点、规划末年的目标值为终点，"
    "某年序时应达值 = 基准值 +（目标值 − 基准值）×（该年 − 基准年）÷（目标年 − 基准年）。"
    "取评估截止年份及以前最近一年的实际值，在其所属年份与序时应达值比较："
    "已达到目标值为“提前完成”（目标年为“已完成”）；未达目标但不劣于序时应达值为“符合序时进度”；"
    "否则为“滞后于序时进度”。五年累计目标以各年实际值之和比较，序时应达累计量 = 目标 × 已过年数 ÷ 规划年数。"
    "定性目标、待省下达的目标、尚无数据以及无基准值且未达标的指标，标为“需人工研判”。"
)


class IndicatorStatus(LabelledEnum):
    ACHIEVED = "achieved", "提前完成"
    ON_TRACK = "on_track", "符合序时进度"
    LAGGING = "lagging", "滞后于序时进度"
    MANUAL = "manual", "需人工研判"


@dataclass(frozen=True)
class YearValue:
    value: Decimal | None
    text: str | None = None


@dataclass(frozen=True)
class IndicatorAssessment:
    status: IndicatorStatus
    label: str
    explanation: str
    data_year: int | None = None
    actual: Decimal | None = None
    expected: Decimal | None = None


def fmt(value: Decimal | None) -> str:
    """A number as people write it: no trailing zeros, no exponent."""
    if value is None:
        return "—"
    text = f"{Decimal(value).normalize():f}"
    return "0" if text in ("-0", "") else text


def _round(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def effective_kind(indicator: Indicator) -> TargetKind:
    """A provincial target, once entered, is read like any other written target."""
    if indicator.target_kind != TargetKind.PROVINCIAL or indicator.target_value is None:
        return indicator.target_kind
    parsed = parse_target(indicator.target_text, indicator.baseline_value)
    return parsed.kind if parsed.kind != TargetKind.QUALITATIVE else TargetKind.AT_LEAST


def assess_indicator(
    indicator: Indicator, values: dict[int, YearValue], as_of_year: int, base_year: int, target_year: int
) -> IndicatorAssessment:
    """The status of one indicator as of a year, with the arithmetic in words."""
    kind = effective_kind(indicator)
    known = {y: v for y, v in values.items() if y <= as_of_year}
    if kind == TargetKind.QUALITATIVE:
        return _qualitative(indicator, known)
    if kind == TargetKind.PROVINCIAL:
        return _manual("目标待省下达，录入目标值后自动评估")
    if kind == TargetKind.CUMULATIVE:
        return _stale(_cumulative(indicator.target_value, known, base_year, target_year), as_of_year)
    numeric = {y: v.value for y, v in known.items() if v.value is not None}
    if not numeric:
        return _manual(f"截至 {as_of_year} 年尚无实际值")
    year = max(numeric)
    return _stale(_threshold(indicator, kind, year, numeric[year], base_year, target_year), as_of_year)


def _stale(result: IndicatorAssessment, as_of_year: int) -> IndicatorAssessment:
    """Say so when the latest figure is older than the evaluation year (statistics often lag a year)."""
    if result.data_year is None or result.data_year >= as_of_year:
        return result
    note = f"（截至 {as_of_year} 年的最新数据为 {result.data_year} 年）"
    return replace(result, explanation=result.explanation + note)


def _manual(text: str, year: int | None = None, actual: Decimal | None = None) -> IndicatorAssessment:
    status = IndicatorStatus.MANUAL
    return IndicatorAssessment(status, status.label, text, year, actual)


def _qualitative(indicator: Indicator, known: dict[int, YearValue]) -> IndicatorAssessment:
    target = indicator.target_text or "—"
    if not known:
        return _manual(f"定性目标“{target}”，尚无情况说明，需人工研判")
    year = max(known)
    entry = known[year]
    said = entry.text or fmt(entry.value)
    return _manual(f"定性目标“{target}”，{year} 年情况：{said}，需人工研判", year, entry.value)


def _achieved(year: int, target_year: int) -> tuple[IndicatorStatus, str]:
    status = IndicatorStatus.ACHIEVED
    return status, ("提前完成" if year < target_year else "已完成")


def _threshold(
    indicator: Indicator, kind: TargetKind, year: int, actual: Decimal, base_year: int, target_year: int
) -> IndicatorAssessment:
    target = indicator.target_value
    baseline = indicator.baseline_value
    lower = kind == TargetKind.AT_MOST
    sign = "≤" if lower else "≥"
    met = actual <= target if lower else actual >= target
    if baseline is None:
        head = f"目标 {sign}{fmt(target)}，{year} 年实际 {fmt(actual)}"
        if met:
            status, label = _achieved(year, target_year)
            return IndicatorAssessment(status, label, f"{head}，已达到目标值", year, actual)
        return _manual(f"{head}，未达目标值；无基准值，无法计算序时进度，需人工研判", year, actual)
    span = target_year - base_year
    expected = _round(baseline + (target - baseline) * Decimal(year - base_year) / Decimal(span))
    head = f"基准 {fmt(baseline)} → 目标 {sign}{fmt(target)}，{year} 年实际 {fmt(actual)}"
    if met:
        status, label = _achieved(year, target_year)
        return IndicatorAssessment(status, label, f"{head}，已达到目标值", year, actual, expected)
    gap = actual - expected if lower else expected - actual
    if gap < 0:
        words, status = "已优于序时", IndicatorStatus.ON_TRACK
    elif gap == 0:
        words, status = "与序时持平", IndicatorStatus.ON_TRACK
    else:
        words, status = f"落后序时 {fmt(gap)}", IndicatorStatus.LAGGING
    text = f"{head}，序时应达 {fmt(expected)}，{words}"
    return IndicatorAssessment(status, status.label, text, year, actual, expected)


def _cumulative(
    target: Decimal, known: dict[int, YearValue], base_year: int, target_year: int
) -> IndicatorAssessment:
    numeric = {y: v.value for y, v in known.items() if v.value is not None and y > base_year}
    if not numeric:
        return _manual(f"五年累计目标 [{fmt(target)}]，尚无年度实际值")
    year = max(numeric)
    total = sum(numeric.values(), Decimal(0))
    elapsed = year - base_year
    expected = _round(target * Decimal(elapsed) / Decimal(target_year - base_year))
    missing = [y for y in range(base_year + 1, year + 1) if y not in numeric]
    parts = "＋".join(fmt(numeric[y]) for y in sorted(numeric))
    head = f"五年累计目标 [{fmt(target)}]，{base_year + 1}—{year} 年累计 {parts} = {fmt(total)}"
    if missing:
        head += f"（缺 {'、'.join(map(str, missing))} 年数据，按 0 计）"
    if total >= target:
        status, label = _achieved(year, target_year)
        return IndicatorAssessment(status, label, f"{head}，已完成累计目标", year, total, expected)
    ok = total >= expected
    status = IndicatorStatus.ON_TRACK if ok else IndicatorStatus.LAGGING
    words = "不低于序时" if ok else f"落后序时 {fmt(expected - total)}"
    text = f"{head}，序时应累计 {fmt(target)}×{elapsed}/{target_year - base_year} = {fmt(expected)}，{words}"
    return IndicatorAssessment(status, status.label, text, year, total, expected)
