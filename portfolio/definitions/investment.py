"""Investment measures: completion in the tracker, before it, since the start, and the rates."""

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from portfolio.definitions.registry import define

ZERO = Decimal(0)

PERIOD_INVESTED = define(
    "period_invested",
    "本期完成投资",
    "本期已通过报告填报的完成投资。",
    "投资",
)
YEAR_INVESTED = define(
    "year_invested",
    "年度累计完成投资",
    "统计日所在年份各期已通过报告的完成投资之和。",
    "投资",
)
ANNUAL_RATE = define(
    "annual_completion_rate",
    "年度计划完成率",
    "项目的年度累计完成投资 ÷ 该项目当年计划投资 × 100%；没有当年计划投资的项目不计算。"
    "小计、合计行只计有当年计划投资的项目：这些项目的年度累计完成投资之和 ÷ 它们的当年计划投资之和 × 100%，"
    "没有当年计划投资的项目的完成投资不计入分子（但计入“年度累计完成投资”列的小计）。",
    "投资",
)
PRE_TRACKING = define(
    "pre_tracking_invested",
    "纳入系统前已完成投资",
    "项目纳入本系统跟踪之前已经完成的投资，由规划处录入或随附件导入，并注明截至日期；"
    "单独列示，不计入任何一期的本期完成和年度完成。",
    "投资",
)
SINCE_START = define(
    "cumulative_since_start",
    "开工以来累计完成投资",
    "纳入系统前已完成投资 + 系统内各期已通过报告的完成投资之和。",
    "投资",
)
TRACKED = define(
    "tracked_invested",
    "系统内累计完成投资",
    "本系统中各期已通过报告的完成投资之和，不含纳入系统前已完成投资。",
    "投资",
)
SPAN_RATE = define(
    "span_completion_rate",
    "规划期投资完成率",
    "系统内累计完成投资 ÷ 规划期（如“十四五”）投资 × 100%。分母是规划期投资，不是总投资；"
    "调出、取消的项目不计入分子和分母。",
    "投资",
)


def rate(done: Decimal | None, planned: Decimal | None) -> Decimal | None:
    """done ÷ planned in percent, exact; None when nothing was planned."""
    if not planned:
        return None
    return (done or ZERO) / planned * 100


def rate_for_display(done: Decimal | None, planned: Decimal | None) -> Decimal | None:
    """The same rate rounded to one decimal for display."""
    value = rate(done, planned)
    return None if value is None else value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def planned_share(year_done: Decimal | None, annual_plan: Decimal | None) -> Decimal:
    """The part of a project's year-to-date investment that counts toward a group's annual rate (ANNUAL_RATE):
    all of it when the project has a plan for the year, nothing when it has none."""
    return (year_done or ZERO) if annual_plan else ZERO


def annual_rate(pairs: Iterable[tuple[Decimal | None, Decimal | None]]) -> Decimal | None:
    """年度计划完成率 of one project or a group, from (year-to-date investment, annual plan) pairs, one
    decimal: only projects with a plan that year count, in the numerator and the denominator alike."""
    done = planned = ZERO
    for year_done, annual_plan in pairs:
        done += planned_share(year_done, annual_plan)
        planned += annual_plan or ZERO
    return rate_for_display(done, planned)


def cumulative_since_start(pre_tracking_wan: Decimal | None, tracked_wan: Decimal | None) -> Decimal:
    """开工以来累计 (see SINCE_START)."""
    return (pre_tracking_wan or ZERO) + (tracked_wan or ZERO)
