"""Schedule warnings (预警): compare reported progress with the pro-rata schedule (序时进度).

Pure functions over plain values, shared by lists, the detail page, the summary, the exports and the
evaluation, so every place colours a project the same way.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from portfolio.db import LabelledEnum
from portfolio.definitions.schedule import (
    behind_points_exact,
    days_behind,
    display_pct,
    expected_progress_exact,
    months_between,
)
from portfolio.projects.models import LifecycleStatus

__all__ = ["Level", "Thresholds", "Warning", "assess", "expected_progress", "months_between"]


class Level(LabelledEnum):
    GREEN = "green", "正常"
    YELLOW = "yellow", "黄色预警"
    RED = "red", "红色预警"
    UNREPORTED = "unreported", "无已通过报告"
    INACTIVE = "inactive", "不适用"


@dataclass(frozen=True)
class Thresholds:
    yellow_points: Decimal = Decimal(10)  # behind by at least this many points → yellow
    red_points: Decimal = Decimal(30)  # behind by more than this → red
    not_started_months: int = 3  # not started this long after the planned start → red

    def as_dict(self) -> dict:
        return {
            "yellow_points": str(self.yellow_points),
            "red_points": str(self.red_points),
            "not_started_months": self.not_started_months,
        }

    @classmethod
    def from_dict(cls, data: dict | None) -> "Thresholds":
        if not data:
            return cls()
        return cls(
            Decimal(str(data["yellow_points"])),
            Decimal(str(data["red_points"])),
            int(data["not_started_months"]),
        )


@dataclass(frozen=True)
class Warning:
    level: Level
    expected_pct: Decimal | None  # 序时进度, rounded for display (the colour saw the exact value)
    actual_pct: Decimal | None  # reported percent complete
    behind_points: Decimal | None  # rounded for display
    reason: str
    days_behind: int | None = None  # 落后天数 (portfolio.definitions.schedule.DAYS_BEHIND)

    @property
    def label(self) -> str:
        return self.level.label


def expected_progress(planned_start: date | None, planned_end: date | None, as_of: date) -> Decimal | None:
    """序时进度 rounded for display (the rule is portfolio.definitions.schedule.EXPECTED)."""
    return display_pct(expected_progress_exact(planned_start, planned_end, as_of))


def assess(
    status: LifecycleStatus,
    planned_start: date | None,
    planned_end: date | None,
    actual_pct: Decimal | None,
    as_of: date,
    thresholds: Thresholds = Thresholds(),
    started: bool | None = None,
) -> Warning:
    """Colour one project as of a date, from its latest approved percent complete (None: never reported).

    `started` says whether the project counts as started (portfolio.definitions.schedule.STARTED);
    when not given, only a percent above 0 counts. Thresholds see exact values; the Warning shows
    rounded ones.
    """
    exact = expected_progress_exact(planned_start, planned_end, as_of)
    expected = display_pct(exact)
    if status in (LifecycleStatus.WITHDRAWN, LifecycleStatus.CANCELLED):
        return Warning(Level.INACTIVE, expected, actual_pct, None, f"项目已{status.label}")
    if status == LifecycleStatus.COMPLETED:
        return Warning(Level.GREEN, expected, actual_pct, Decimal(0), "已竣工")
    if actual_pct is None:
        return Warning(Level.UNREPORTED, expected, None, None, "尚无审核通过的进度报告")
    if exact is None:
        return Warning(Level.GREEN, None, actual_pct, None, "未设计划起止时间，无法计算序时进度")
    behind = behind_points_exact(exact, actual_pct)
    shown = display_pct(behind)
    days = days_behind(planned_start, planned_end, actual_pct, as_of) if behind else 0
    if started is None:
        started = actual_pct > 0
    if not started and months_between(planned_start, as_of) >= thresholds.not_started_months:
        reason = f"计划开工已过 {months_between(planned_start, as_of)} 个月仍未开工"
        return Warning(Level.RED, expected, actual_pct, shown, reason, days)
    if behind > thresholds.red_points:
        return Warning(Level.RED, expected, actual_pct, shown, f"落后序时进度 {shown} 个百分点", days)
    if behind >= thresholds.yellow_points:
        return Warning(Level.YELLOW, expected, actual_pct, shown, f"落后序时进度 {shown} 个百分点", days)
    return Warning(Level.GREEN, expected, actual_pct, shown, "符合序时进度", days)
