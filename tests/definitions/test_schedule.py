"""The schedule definitions, each case a constructed project or one named in the issue."""

from datetime import date
from decimal import Decimal

import pytest

from portfolio.definitions import get_definition, list_definitions, note_text
from portfolio.definitions.schedule import (
    behind_points_exact,
    days_behind,
    display_pct,
    expected_progress_exact,
    is_started,
    past_end_words,
    planned_days,
)


def test_every_definition_has_a_name_a_rule_and_a_unique_key():
    definitions = list_definitions()
    assert len({d.key for d in definitions}) == len(definitions) >= 20
    assert all(d.name and len(d.rule) >= 10 for d in definitions)
    assert note_text("expected_pct").startswith("口径说明：序时进度：按整月计算")


def test_expected_progress_counts_the_start_and_current_month_in_full():
    # planned 2024-01 to 2024-12 (12 months); as of 2024-03-31: Jan, Feb, Mar have passed → 25 %
    assert expected_progress_exact(date(2024, 1, 1), date(2024, 12, 1), date(2024, 3, 31)) == 25
    # the current month counts in full even on its first day
    assert expected_progress_exact(date(2024, 1, 1), date(2024, 12, 1), date(2024, 3, 1)) == 25
    assert expected_progress_exact(date(2024, 1, 1), date(2024, 12, 1), date(2023, 12, 31)) == 0
    assert expected_progress_exact(date(2024, 1, 1), date(2024, 12, 1), date(2026, 1, 1)) == 100


def test_thresholds_see_the_exact_value_and_display_rounds():
    # 22 of 27 months: 81.48…%, shown as 81.5; behind a 27.5 % report by 53.98…, not 54.00
    expected = expected_progress_exact(date(2023, 1, 1), date(2025, 3, 1), date(2024, 10, 31))
    behind = behind_points_exact(expected, Decimal("27.5"))
    assert display_pct(expected) == Decimal("81.5")
    assert behind < Decimal(54) and display_pct(behind) == Decimal("54.0")
    assert behind_points_exact(Decimal(40), Decimal(55)) == 0


def test_days_behind_keeps_counting_after_the_planned_end():
    """沁阳市城市集中供热项目: planned 2019-04 to 2020-07, 63 % done; about 1,800 days late in 2025Q1."""
    start, end = date(2019, 4, 1), date(2020, 7, 1)
    assert planned_days(start, end) == 488
    q4, q1 = (
        days_behind(start, end, Decimal(63), date(2024, 12, 31)),
        days_behind(start, end, Decimal(63), date(2025, 3, 31)),
    )
    assert q1 == 1884 and q1 - q4 == 90  # the quarter adds its 90 days; it no longer stops at the end


def test_days_behind_before_the_end_matches_the_points_behind():
    # 2024-01 to 2024-12 is 366 days; 30 % of them is reached on 04-20, 71 days before 06-30
    days = days_behind(date(2024, 1, 1), date(2024, 12, 1), Decimal(30), date(2024, 6, 30))
    assert days == 71
    assert days_behind(date(2024, 1, 1), date(2024, 12, 1), Decimal(60), date(2024, 6, 30)) == 0
    assert days_behind(date(2024, 1, 1), None, Decimal(60), date(2024, 6, 30)) is None
    assert days_behind(date(2024, 1, 1), date(2024, 12, 1), None, date(2024, 6, 30)) is None


@pytest.mark.parametrize(
    ("planned_end", "as_of", "words"),
    [
        (date(2021, 10, 1), date(2025, 3, 31), "已超过计划完工 41 个月"),
        (date(2024, 12, 1), date(2025, 2, 14), "已超过计划完工 1 个月 14 天"),
        (date(2025, 3, 1), date(2025, 3, 31), None),
        (date(2020, 2, 1), date(2020, 3, 30), "已超过计划完工 30 天"),
    ],
)
def test_how_long_past_the_planned_end(planned_end, as_of, words):
    assert past_end_words(planned_end, as_of) == words


def test_reported_investment_or_a_start_milestone_means_started():
    """Project 35 spent 1,445.56 万元 at 0 %: it has started."""
    assert is_started(Decimal(0), Decimal("1445.56"), False)
    assert is_started(Decimal(0), Decimal(0), True)
    assert is_started(Decimal("0.5"), None, False)
    assert not is_started(Decimal(0), Decimal(0), False)
    assert not is_started(None, None, False)


def test_report_states_use_five_distinct_words():
    from portfolio.definitions.reports import ReportState, report_state

    assert [s.label for s in ReportState] == ["未填报", "草稿", "待审核", "已退回", "已通过"]
    assert report_state(None) is ReportState.MISSING and report_state("submitted").label == "待审核"
    assert "未填报" in get_definition("report_state").rule
