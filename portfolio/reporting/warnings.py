"""Schedule warnings (预警): compare reported progress with the pro-rata schedule (序时进度).

Pure functions over plain values, shared by lists, the detail page, the summary, the exports and the
evaluation, so every place colours a project the same way.
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from portfolio.db import LabelledEnum
from portfolio.projects.models import LifecycleStatus


class Level(LabelledEnum):
    GREEN = "green", "正常"
    YELLOW = "yellow", "黄色预警"
    RED = "red", "红色预警"
    UNREPORTED = "unreported", "未报送"
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
    expected_pct: Decimal | None  # 序时进度
    actual_pct: Decimal | None  # reported percent complete
    behind_points: Decimal | None
    reason: str

    @property
    def label(self) -> str:
        return self.level.label


def months_between(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month


def expected_progress(planned_start: date | None, planned_end: date | None, as_of: date) -> Decimal | None:
    """The elapsed share of the planned duration, in percent, counted in whole months (0–100)."""
    if planned_start is None or planned_end is None:
        return None
    total = months_between(planned_start, planned_end) + 1  # both months count
    elapsed = months_between(planned_start, as_of) + 1
    if elapsed <= 0:
        return Decimal(0)
    share = min(Decimal(elapsed) / Decimal(max(total, 1)), Decimal(1)) * 100
    return share.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def assess(
    status: LifecycleStatus,
    planned_start: date | None,
    planned_end: date | None,
    actual_pct: Decimal | None,
    as_of: date,
    thresholds: Thresholds = Thresholds(),
) -> Warning:
    """Colour one project as of a date, from its latest approved percent complete (None: never reported)."""
    expected = expected_progress(planned_start, planned_end, as_of)
    if status in (LifecycleStatus.WITHDRAWN, LifecycleStatus.CANCELLED):
        return Warning(Level.INACTIVE, expected, actual_pct, None, f"项目已{status.label}")
    if status == LifecycleStatus.COMPLETED:
        return Warning(Level.GREEN, expected, actual_pct, Decimal(0), "已竣工")
    if actual_pct is None:
        return Warning(Level.UNREPORTED, expected, None, None, "尚无审核通过的进度报告")
    if expected is None:
        return Warning(Level.GREEN, None, actual_pct, None, "未设计划起止时间，无法计算序时进度")
    behind = max(expected - actual_pct, Decimal(0))
    late_start = (
        planned_start is not None
        and actual_pct == 0
        and months_between(planned_start, as_of) >= thresholds.not_started_months
    )
    if late_start:
        months = months_between(planned_start, as_of)
        return Warning(Level.RED, expected, actual_pct, behind, f"计划开工已过 {months} 个月仍未开工")
    if behind > thresholds.red_points:
        return Warning(Level.RED, expected, actual_pct, behind, f"落后序时进度 {behind} 个百分点")
    if behind >= thresholds.yellow_points:
        return Warning(Level.YELLOW, expected, actual_pct, behind, f"落后序时进度 {behind} 个百分点")
    return Warning(Level.GREEN, expected, actual_pct, behind, "符合序时进度")
