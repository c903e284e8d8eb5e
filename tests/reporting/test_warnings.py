from datetime import date
from decimal import Decimal

import pytest

from portfolio.projects.models import LifecycleStatus as S
from portfolio.reporting.warnings import Level, Thresholds, assess, expected_progress

START, END = date(2023, 1, 1), date(2024, 12, 1)  # 24 planned months


def test_expected_progress_counts_whole_months():
    assert expected_progress(START, END, date(2023, 12, 31)) == Decimal("50.0")
    assert expected_progress(START, END, date(2022, 6, 30)) == Decimal(0)
    assert expected_progress(START, END, date(2026, 1, 1)) == Decimal(100)
    assert expected_progress(None, END, date(2023, 1, 1)) is None


@pytest.mark.parametrize(
    ("actual", "level"),
    [
        ("45", Level.GREEN),
        ("40.1", Level.GREEN),
        ("40", Level.YELLOW),
        ("20", Level.YELLOW),
        ("19.9", Level.RED),
        ("0", Level.RED),
    ],
)
def test_levels_follow_points_behind(actual, level):
    # As of 2023-12: expected 50 %. Yellow from 10 points behind, red beyond 30.
    assert assess(S.UNDER_CONSTRUCTION, START, END, Decimal(actual), date(2023, 12, 31)).level == level


def test_not_started_three_months_after_planned_start_is_red():
    w = assess(S.PLANNING, START, END, Decimal(0), date(2023, 4, 30))
    assert w.level == Level.RED and "未开工" in w.reason
    # Not yet 3 months late, so not red for the late start; 3 of 24 months elapsed puts the
    # schedule at 12.5 %, and 0 % is 12.5 points behind: yellow.
    early = assess(S.PLANNING, START, END, Decimal(0), date(2023, 3, 31))
    assert (early.level, early.expected_pct) == (Level.YELLOW, Decimal("12.5"))


def test_thresholds_are_configurable():
    strict = Thresholds(Decimal(5), Decimal(15), 1)
    assert (
        assess(S.UNDER_CONSTRUCTION, START, END, Decimal(44), date(2023, 12, 31), strict).level
        == Level.YELLOW
    )
    assert Thresholds.from_dict(strict.as_dict()) == strict


def test_unreported_completed_and_withdrawn():
    assert assess(S.UNDER_CONSTRUCTION, START, END, None, date(2023, 12, 31)).level == Level.UNREPORTED
    assert assess(S.COMPLETED, START, END, Decimal(10), date(2023, 12, 31)).level == Level.GREEN
    assert assess(S.WITHDRAWN, START, END, Decimal(10), date(2023, 12, 31)).level == Level.INACTIVE


def test_thresholds_compare_the_exact_points_not_the_rounded_ones():
    """22 of 27 months is 81.48 %, shown as 81.5; a 27.5 % report is 53.98 points behind, not 54.00."""
    start, end, as_of = date(2023, 1, 1), date(2025, 3, 1), date(2024, 10, 31)
    at_54 = Thresholds(Decimal(10), Decimal(54), 3)  # red only beyond 54 points
    w = assess(S.UNDER_CONSTRUCTION, start, end, Decimal("27.5"), as_of, at_54)
    assert w.level == Level.YELLOW
    assert w.expected_pct == Decimal("81.5") and w.behind_points == Decimal("54.0")
    at_53_99 = Thresholds(Decimal(10), Decimal("53.99"), 3)
    assert assess(S.UNDER_CONSTRUCTION, start, end, Decimal("27.5"), as_of, at_53_99).level == Level.YELLOW
    at_53_97 = Thresholds(Decimal(10), Decimal("53.97"), 3)
    assert assess(S.UNDER_CONSTRUCTION, start, end, Decimal("27.5"), as_of, at_53_97).level == Level.RED


def test_reported_investment_means_started_even_at_zero_percent():
    """Project 35 spent 1,445.56 万元 at 0 %: not "计划开工已过 3 个月仍未开工", but behind schedule."""
    as_of = date(2023, 12, 31)
    w = assess(S.UNDER_CONSTRUCTION, START, END, Decimal(0), as_of, Thresholds(), started=True)
    assert w.level == Level.RED and w.reason == "落后序时进度 50.0 个百分点" and "未开工" not in w.reason
    idle = assess(S.UNDER_CONSTRUCTION, START, END, Decimal(0), as_of, Thresholds(), started=False)
    assert idle.reason == "计划开工已过 11 个月仍未开工"


def test_days_behind_ride_along_with_the_warning():
    w = assess(S.UNDER_CONSTRUCTION, date(2019, 4, 1), date(2020, 7, 1), Decimal(63), date(2025, 3, 31))
    assert w.days_behind == 1884 and w.expected_pct == 100
