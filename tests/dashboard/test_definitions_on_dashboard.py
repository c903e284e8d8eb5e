"""The dashboard's measures come from portfolio.definitions: tiles compare exact values, and the page says
which definitions its figures follow (system-tracked investment, not 开工以来累计)."""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest

from portfolio.dashboard.tiles import build_tiles
from portfolio.definitions import get_definition
from portfolio.definitions.investment import rate_for_display
from portfolio.reporting.warnings import Level


def _row(done: str, planned: str):
    done, planned = Decimal(done), Decimal(planned)
    return SimpleNamespace(
        label="温县",
        key=1,
        count=1,
        planned_year_wan=done,
        annual_wan=planned,
        annual_rate=rate_for_display(done, planned),
        levels={Level.RED: 0, Level.YELLOW: 0},
    )


@pytest.mark.parametrize(
    "as_of, done, planned, shown, tone",
    [
        # March: the year's schedule is exactly 25 %; 24.996 % shows as 25.0 % but is below it
        (date(2025, 3, 31), "2499.6", "10000", "25.0%", "yellow"),
        (date(2025, 3, 31), "2500", "10000", "25.0%", "green"),
        # January: 8.333… %; 8.31 % rounds to the rounded schedule (8.3) but is below the exact one
        (date(2025, 1, 31), "831", "10000", "8.3%", "yellow"),
        # 15 points below the schedule is still yellow, a hair more is red
        (date(2025, 6, 30), "3500", "10000", "35.0%", "yellow"),
        (date(2025, 6, 30), "3499.9", "10000", "35.0%", "red"),
    ],
)
def test_a_countys_tile_is_coloured_from_exact_values_and_shows_rounded_ones(
    as_of, done, planned, shown, tone
):
    [tile] = build_tiles([_row(done, planned)], as_of, "rate")
    assert (tile.figure, tile.tone) == (shown, tone)


def test_the_dashboard_names_its_measures_and_explains_them(app, users, role_client):
    html = role_client("planner").get("/dashboard").get_data(as_text=True)
    assert "系统内累计完成投资（万元）" in html and "规划期序时进度" in html
    assert "开工以来累计完成投资 ÷" not in html and "已过去的月份占比" not in html
    for key in (
        "tracked_invested",
        "span_completion_rate",
        "plan_schedule",
        "county_tile_colour",
        "warning_level",
    ):
        assert f'data-definition="{key}"' in html
    assert get_definition("county_tile_colour").rule in html
