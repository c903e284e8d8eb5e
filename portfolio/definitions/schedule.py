"""Schedule measures: 序时进度, points behind, 落后天数, months past the planned end, and "started".

Pure functions over plain values. Every comparison uses the exact value; only display rounds.
"""

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from portfolio.definitions.registry import define

ONE_DECIMAL = Decimal("0.1")

EXPECTED = define(
    "expected_pct",
    "序时进度",
    "按整月计算，计划开工月和截止日所在月份都按整月计入："
    "序时进度 =（截止月 − 计划开工月 + 1）÷（计划完工月 − 计划开工月 + 1）× 100%，"
    "未到计划开工月为 0，过了计划完工月为 100%。",
    "进度与预警",
)
BEHIND_POINTS = define(
    "behind_points",
    "落后（百分点）",
    "序时进度 − 最近一期审核通过的完成比例，不落后时为 0。"
    "预警按未经四舍五入的精确值与阈值比较，页面和报表只在显示时保留一位小数。",
    "进度与预警",
)
DAYS_BEHIND = define(
    "days_behind",
    "落后天数",
    "截止日 − 按计划工期匀速推进、应达到当前完成比例的日期"
    "（计划开工月首日 + 完成比例 × 计划工期天数，计划工期从计划开工月首日到计划完工月末日）；"
    "完成比例不低于序时进度时为 0。超过计划完工日仍未完成的，落后天数随截止日逐日增加，不封顶。",
    "进度与预警",
)
PAST_END = define(
    "months_past_end",
    "超过计划完工",
    "截止日晚于计划完工月末且尚未完成的项目，按计划完工月末至截止日计算已超期的月数"
    "（不足一个月的按天数说明）。",
    "进度与预警",
)
STARTED = define(
    "started",
    "已开工",
    "有审核通过的完成比例大于 0、有审核通过的完成投资（含纳入系统前已完成投资），"
    "或开工、主体完工里程碑已完成，任一条件满足即视为已开工；都不满足才算未开工。",
    "进度与预警",
)

WARNING_LEVEL = define(
    "warning_level",
    "预警颜色",
    "按落后（百分点）的精确值与预警阈值比较：落后达到黄色阈值（含）为黄色预警，超过红色阈值为红色预警；"
    "计划开工月之后满规定月数仍不满足“已开工”的为红色预警。已竣工为正常，调出、取消不适用，"
    "没有已通过报告的不着色。阈值由市级牵头部门在“预警阈值”页设置，默认黄色 10 个百分点、红色 30 个百分点、"
    "未开工 3 个月。",
    "进度与预警",
)

PLAN_SCHEDULE = define(
    "plan_schedule",
    "规划期序时进度",
    "把规划期首月当作计划开工月、末月当作计划完工月，按“序时进度”的同一规则计算："
    "（截止月 − 规划期首月 + 1）÷ 规划期月数 × 100%。驾驶舱以它衡量规划期投资完成率，"
    "“按序时进度应完成” = 规划期投资 × 规划期序时进度。",
    "进度与预警",
)
YEAR_SCHEDULE = define(
    "year_schedule",
    "年度序时进度",
    "截止日所在月份 ÷ 12 × 100%，当月按整月计入（3 月底为 25%）。",
    "进度与预警",
)
YEAR_RATE_BAND = Decimal(15)  # points below the year's schedule a county's tile stays yellow
TILE_COLOUR = define(
    "county_tile_colour",
    "县区方块颜色",
    "按年度计划完成率着色时，以精确值比较：不低于年度序时进度为绿色，低于但差距不超过 "
    f"{YEAR_RATE_BAND} 个百分点为黄色，差距更大为红色，没有项目或没有年度计划为灰色。"
    "按预警着色时：有红色预警项目为红色，否则有黄色预警项目为黄色，否则为绿色。",
    "进度与预警",
)


def year_schedule_exact(as_of: date) -> Decimal:
    """年度序时进度 in percent, unrounded (see YEAR_SCHEDULE)."""
    return Decimal(as_of.month) / 12 * 100


def months_between(start: date, end: date) -> int:
    """Whole calendar months from start's month to end's month (same month: 0)."""
    return (end.year - start.year) * 12 + end.month - start.month


def month_end(d: date) -> date:
    first_of_next = date(d.year + d.month // 12, d.month % 12 + 1, 1)
    return first_of_next - timedelta(days=1)


def expected_progress_exact(
    planned_start: date | None, planned_end: date | None, as_of: date
) -> Decimal | None:
    """序时进度 in percent, unrounded (see EXPECTED); None without planned dates."""
    if planned_start is None or planned_end is None:
        return None
    total = months_between(planned_start, planned_end) + 1
    elapsed = months_between(planned_start, as_of) + 1
    if elapsed <= 0:
        return Decimal(0)
    return min(Decimal(elapsed) / Decimal(max(total, 1)), Decimal(1)) * 100


def display_pct(value: Decimal | None) -> Decimal | None:
    """A percentage rounded for display only (one decimal, half up)."""
    return None if value is None else Decimal(value).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def behind_points_exact(expected: Decimal | None, actual: Decimal | None) -> Decimal | None:
    """Points behind the schedule, exact, never negative (see BEHIND_POINTS)."""
    if expected is None or actual is None:
        return None
    return max(expected - actual, Decimal(0))


def planned_days(planned_start: date, planned_end: date) -> int:
    """The planned duration in days: the first day of the start month to the last day of the end month."""
    return (month_end(planned_end) - planned_start.replace(day=1)).days + 1


def days_behind(
    planned_start: date | None, planned_end: date | None, actual_pct: Decimal | None, as_of: date
) -> int | None:
    """落后天数 (see DAYS_BEHIND): keeps counting after the planned end; None without dates or a report."""
    if planned_start is None or planned_end is None or actual_pct is None:
        return None
    start = planned_start.replace(day=1)
    share = min(max(Decimal(actual_pct), Decimal(0)), Decimal(100)) / 100
    offset = (share * planned_days(planned_start, planned_end)).to_integral_value(rounding=ROUND_HALF_UP)
    reached_on = start + timedelta(days=int(offset))
    return max((as_of - reached_on).days, 0)


def past_planned_end(planned_end: date | None, as_of: date) -> tuple[int, int] | None:
    """(months, days) from the end of the planned completion month to as_of; None when not past it."""
    if planned_end is None:
        return None
    end = month_end(planned_end)
    if as_of <= end:
        return None
    months = months_between(end, as_of)
    if _add_months(end, months) > as_of:
        months -= 1
    return months, (as_of - _add_months(end, months)).days


def _add_months(d: date, months: int) -> date:
    """The last day of the month `months` after d's month (d is a month end)."""
    index = d.year * 12 + d.month - 1 + months
    return month_end(date(index // 12, index % 12 + 1, 1))


def past_end_words(planned_end: date | None, as_of: date) -> str | None:
    """ "已超过计划完工 41 个月" (or "… 12 天"): how long past the planned end, in words."""
    past = past_planned_end(planned_end, as_of)
    if past is None:
        return None
    months, days = past
    if months == 0:
        return f"已超过计划完工 {days} 天"
    return f"已超过计划完工 {months} 个月" + (f" {days} 天" if days else "")


def is_started(actual_pct: Decimal | None, invested_wan: Decimal | None, start_milestone_done: bool) -> bool:
    """Started (see STARTED): reported progress, reported investment or a done start milestone."""
    return bool(
        (actual_pct is not None and actual_pct > 0)
        or (invested_wan is not None and invested_wan > 0)
        or start_milestone_done
    )
