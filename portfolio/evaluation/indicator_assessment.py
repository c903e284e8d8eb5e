"""Assessing an indicator as of a year. Pure functions, no database.

The rules are those of portfolio.definitions.evaluation (shown on the indicators page as PRO_RATA_RULE):
- Only values inside the plan period count as evidence; a baseline-year value alone is "data missing".
- A floor target (the baseline already meets it, e.g. 100 against ≥95, or there is no baseline) is judged
  against the floor: 已达到 / 保持 / 未达到, with the distance from the floor; no pro-rata arithmetic.
- Other numeric targets follow the straight line from the baseline to the target (序时应达值).
- A five-year cumulative target with a missing year in the middle is "data incomplete", never 0.
- The final round (the evaluation year is the plan's last) judges 完成 / 未完成.
- A provincial target entered without a direction is not guessed; qualitative targets need a reviewer.
"""

from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from portfolio.db import LabelledEnum
from portfolio.definitions import notes_for
from portfolio.evaluation.indicators import parse_target
from portfolio.evaluation.models import Indicator, TargetKind

PRO_RATA_RULE = "".join(
    f"{d.name}：{d.rule}"
    for d in notes_for(
        "indicator_pro_rata", "indicator_verdict", "floor_target", "target_direction", "qualitative_verdict"
    )
)


class IndicatorStatus(LabelledEnum):
    ACHIEVED = "achieved", "提前完成"
    ON_TRACK = "on_track", "符合序时进度"
    LAGGING = "lagging", "滞后于序时进度"
    FLOOR_MET = "floor_met", "已达到"
    FLOOR_KEPT = "floor_kept", "保持"
    FLOOR_MISSED = "floor_missed", "未达到"
    DONE = "done", "完成"
    NOT_DONE = "not_done", "未完成"
    MANUAL = "manual", "需人工研判"


GOOD = {IndicatorStatus.ACHIEVED, IndicatorStatus.ON_TRACK, IndicatorStatus.FLOOR_MET}
GOOD |= {IndicatorStatus.FLOOR_KEPT, IndicatorStatus.DONE}


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


@dataclass(frozen=True)
class Span:
    """The years an assessment sees: the baseline year, the evaluation year and the target year."""

    base_year: int
    as_of_year: int
    target_year: int

    @property
    def final(self) -> bool:
        return self.as_of_year >= self.target_year


def fmt(value: Decimal | None) -> str:
    """A number as people write it: no trailing zeros, no exponent."""
    if value is None:
        return "—"
    text = f"{Decimal(value).normalize():f}"
    return "0" if text in ("-0", "") else text


def _round(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def effective_kind(indicator: Indicator) -> TargetKind:
    """A provincial target, once entered with its direction, is read like any other written target.

    A plain number stays PROVINCIAL: its direction is not guessed (全市用水总量 is a cap, not a floor).
    """
    if indicator.target_kind != TargetKind.PROVINCIAL or indicator.target_value is None:
        return indicator.target_kind
    text = (indicator.target_text or "").strip()
    if not text.startswith(("≤", "<=", "≥", ">=", "[", "［", "【")):
        return TargetKind.PROVINCIAL
    return parse_target(text, None).kind


def assess_indicator(
    indicator: Indicator, values: dict[int, YearValue], as_of_year: int, base_year: int, target_year: int
) -> IndicatorAssessment:
    """The status of one indicator as of a year, with the arithmetic in words."""
    span = Span(base_year, as_of_year, target_year)
    kind = effective_kind(indicator)
    known = {y: v for y, v in values.items() if y <= as_of_year}
    if kind == TargetKind.QUALITATIVE:
        return _qualitative(indicator, known)
    if kind == TargetKind.PROVINCIAL:
        if indicator.target_value is not None:
            return _manual(
                f"省下达目标 {indicator.target_text} 未注明方向（不高于或不低于），请重新录入目标并选择方向"
            )
        return _manual("目标待省下达，录入目标值后自动评估")
    if kind == TargetKind.CUMULATIVE:
        return _stale(_cumulative(indicator.target_value, known, span), as_of_year)
    numeric = {y: v.value for y, v in known.items() if v.value is not None and y > base_year}
    if not numeric:
        return _no_period_data(indicator, known, span)
    year = max(numeric)
    if _is_floor(indicator, kind):
        return _stale(_floor(indicator, kind, year, numeric[year], span), as_of_year)
    return _stale(_threshold(indicator, kind, year, numeric[year], span), as_of_year)


def _no_period_data(indicator: Indicator, known: dict[int, YearValue], span: Span) -> IndicatorAssessment:
    first = span.base_year + 1
    has_base = indicator.baseline_value is not None or (
        span.base_year in known and known[span.base_year].value is not None
    )
    if has_base:
        return _manual(f"数据缺失：只有 {span.base_year} 年基准值，{first}—{span.as_of_year} 年尚无实际值")
    return _manual(f"数据缺失：{first}—{span.as_of_year} 年尚无实际值")


def _stale(result: IndicatorAssessment, as_of_year: int) -> IndicatorAssessment:
    """Say so when the latest figure is older than the evaluation year (statistics often lag a year)."""
    if result.data_year is None or result.data_year >= as_of_year:
        return result
    note = f"（截至 {as_of_year} 年的最新数据为 {result.data_year} 年）"
    return replace(result, explanation=result.explanation + note)


def _result(status: IndicatorStatus, text: str, year=None, actual=None, expected=None) -> IndicatorAssessment:
    return IndicatorAssessment(status, status.label, text, year, actual, expected)


def _manual(text: str, year: int | None = None, actual: Decimal | None = None) -> IndicatorAssessment:
    return _result(IndicatorStatus.MANUAL, text, year, actual)


def _qualitative(indicator: Indicator, known: dict[int, YearValue]) -> IndicatorAssessment:
    target = indicator.target_text or "—"
    if not known:
        return _manual(f"定性目标“{target}”，尚无情况说明，待评审人员给出结论")
    year = max(known)
    entry = known[year]
    said = entry.text or fmt(entry.value)
    return _manual(f"定性目标“{target}”，{year} 年情况：{said}，待评审人员给出结论", year, entry.value)


def _meets(kind: TargetKind, actual: Decimal, target: Decimal) -> bool:
    return actual <= target if kind == TargetKind.AT_MOST else actual >= target


def _is_floor(indicator: Indicator, kind: TargetKind) -> bool:
    """A level to keep: the baseline already meets the target, or no baseline starts a line."""
    baseline = indicator.baseline_value
    return baseline is None or _meets(kind, baseline, indicator.target_value)


def _sign(kind: TargetKind) -> str:
    return "≤" if kind == TargetKind.AT_MOST else "≥"


def _floor(indicator: Indicator, kind: TargetKind, year: int, actual: Decimal, span: Span):
    target, baseline = indicator.target_value, indicator.baseline_value
    binding = "约束性" if indicator.binding else "预期性"
    word = "上限" if kind == TargetKind.AT_MOST else "底线"
    head = f"{binding}{word} {_sign(kind)}{fmt(target)}，{year} 年实际 {fmt(actual)}"
    if baseline is not None:
        head = f"基准 {fmt(baseline)}，{head}"
    if not _meets(kind, actual, target):
        gap = abs(actual - target)
        side = "高于" if kind == TargetKind.AT_MOST else "低于"
        status = IndicatorStatus.NOT_DONE if span.final else IndicatorStatus.FLOOR_MISSED
        return _result(status, f"{head}，{side}{binding}{word} {fmt(target)} 共 {fmt(gap)}", year, actual)
    if span.final:
        return _result(IndicatorStatus.DONE, f"{head}，守住{word}", year, actual)
    if target == baseline:
        return _result(IndicatorStatus.FLOOR_KEPT, f"{head}，保持在目标水平", year, actual)
    return _result(IndicatorStatus.FLOOR_MET, f"{head}，守住{word}", year, actual)


def _threshold(indicator: Indicator, kind: TargetKind, year: int, actual: Decimal, span: Span):
    target, baseline = indicator.target_value, indicator.baseline_value
    met = _meets(kind, actual, target)
    head = f"目标 {_sign(kind)}{fmt(target)}，{year} 年实际 {fmt(actual)}"
    if baseline is not None:
        head = f"基准 {fmt(baseline)} → {head}"
    if span.final:
        status = IndicatorStatus.DONE if met else IndicatorStatus.NOT_DONE
        gap = "" if met else f"，距目标 {fmt(abs(target - actual))}"
        return _result(status, f"{head}，{'已达到' if met else '未达到'}目标值{gap}", year, actual)
    if met:
        return _result(IndicatorStatus.ACHIEVED, f"{head}，已达到目标值", year, actual)
    years = Decimal(year - span.base_year) / Decimal(span.target_year - span.base_year)
    expected = _round(baseline + (target - baseline) * years)
    gap = actual - expected if kind == TargetKind.AT_MOST else expected - actual
    if gap < 0:
        words, status = "已优于序时", IndicatorStatus.ON_TRACK
    elif gap == 0:
        words, status = "与序时持平", IndicatorStatus.ON_TRACK
    else:
        words, status = f"落后序时 {fmt(gap)}", IndicatorStatus.LAGGING
    return _result(status, f"{head}，序时应达 {fmt(expected)}，{words}", year, actual, expected)


def _cumulative(target: Decimal, known: dict[int, YearValue], span: Span) -> IndicatorAssessment:
    numeric = {y: v.value for y, v in known.items() if v.value is not None and y > span.base_year}
    if not numeric:
        return _manual(f"数据缺失：五年累计目标 [{fmt(target)}]，规划期内尚无年度实际值")
    year = max(numeric)
    total = sum(numeric.values(), Decimal(0))
    parts = "＋".join(fmt(numeric[y]) for y in sorted(numeric))
    head = f"五年累计目标 [{fmt(target)}]，{span.base_year + 1}—{year} 年累计 {parts} = {fmt(total)}"
    missing = [y for y in range(span.base_year + 1, year + 1) if y not in numeric]
    if missing and total < target:
        gaps = "、".join(map(str, missing))
        return _manual(f"数据不完整：缺 {gaps} 年数据，不按 0 计；{head}（不含缺失年份）", year, total)
    if span.final:
        met = total >= target
        status = IndicatorStatus.DONE if met else IndicatorStatus.NOT_DONE
        gap = "" if met else f"，距目标 {fmt(target - total)}"
        return _result(status, f"{head}，{'已完成' if met else '未完成'}累计目标{gap}", year, total)
    elapsed = year - span.base_year
    expected = _round(target * Decimal(elapsed) / Decimal(span.target_year - span.base_year))
    if total >= target:
        return _result(IndicatorStatus.ACHIEVED, f"{head}，已完成累计目标", year, total, expected)
    ok = total >= expected
    status = IndicatorStatus.ON_TRACK if ok else IndicatorStatus.LAGGING
    words = "不低于序时" if ok else f"落后序时 {fmt(expected - total)}"
    plan_years = span.target_year - span.base_year
    text = f"{head}，序时应累计 {fmt(target)}×{elapsed}/{plan_years} = {fmt(expected)}，{words}"
    return _result(status, text, year, total, expected)
