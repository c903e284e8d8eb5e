"""The dashboard over HTTP: its figures equal the summary's and the progress sheet's, per role and filter."""

import re
from decimal import Decimal

import pytest

from portfolio.db import session
from tests.dashboard.html import figures, number, summary_total, table_rows
from tests.exports.data import portfolio
from tests.exports.sheets import COL, amount, body, calamine_rows
from tests.factories import bulk_projects, location
from tests.querycount import statements_for

CHARTS = {"by-category", "by-county", "warnings-by-county", "cumulative", "status", "laggards", "funding"}


@pytest.fixture
def data(app, users):
    made = portfolio()
    session.commit()
    return made


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def test_dashboard_shows_every_chart_with_a_table(role_client, data):
    page = _page(role_client("planner"), "/dashboard")
    assert set(re.findall(r'<div class="chart" data-chart="([\w-]+)"', page)) == CHARTS
    for name in CHARTS:
        assert table_rows(page, name), name
    assert 'data-chart="county-map"' in page and 'class="tile tone-' in page
    assert re.search(r'src="/static/vendor/echarts/echarts\.min\.js"', page)
    assert "cdn" not in page.lower()


def test_headline_figures_equal_the_summary(role_client, data):
    client = role_client("planner")
    shown = figures(_page(client, "/dashboard"))
    total = summary_total(_page(client, "/summary"))
    assert shown["count"] == total[1] == "5"
    assert shown["total"] == total[2]
    assert shown["span"] == total[3]
    assert shown["done"] == total[4]
    assert shown["done-rate"] == total[5]
    # The summary lists levels green, yellow, red, unreported, inactive after the six figures.
    assert shown["yellow"] == (total[7] or "0") and shown["red"] == (total[8] or "0")
    assert number(shown["done"]) == Decimal("410.25")  # approved reports only


def test_period_figures_equal_the_progress_sheet(role_client, data):
    client = role_client("planner")
    q4 = data["q4"]
    shown = figures(_page(client, f"/dashboard?period={q4.id}"))
    sheet = client.get(f"/exports/periods/{q4.id}/progress.xlsx")
    assert sheet.status_code == 200
    rows = body(calamine_rows(sheet.data, "推进情况表"))
    kind, total = rows[0]
    assert kind == "total"
    assert number(shown["done"]) == amount(total[COL["cumulative"]])
    assert number(shown["annual-rate"]) == Decimal(str(total[COL["completion_rate"]]))
    projects = [r for k, r in rows if k == "project"]
    assert int(shown["count"]) == len(projects)
    assert int(shown["red"]) == sum(1 for r in projects if r[COL["warning"]] == "红色预警")
    assert int(shown["yellow"]) == sum(1 for r in projects if r[COL["warning"]] == "黄色预警")
    assert int(shown["red"]) + int(shown["yellow"]) >= 2


def test_group_tables_equal_the_progress_sheet_subtotals(role_client, data):
    client = role_client("planner")
    q4 = data["q4"]
    page = _page(client, f"/dashboard?period={q4.id}")
    sheet = body(calamine_rows(client.get(f"/exports/periods/{q4.id}/progress.xlsx").data, "推进情况表"))
    subtotals = {
        r[COL["name"]].split("小计")[0]: amount(r[COL["year_invested"]]) for k, r in sheet if k == "category"
    }
    shown = {
        row[0].split(". ")[1]: number(row[3])
        for row in table_rows(page, "by-category")
        if row[1] != "0" and row[0] != "合计"
    }
    assert shown == subtotals


def test_filters_narrow_every_figure(role_client, data):
    client = role_client("planner")
    wen = location("温县")
    shown = figures(_page(client, f"/dashboard?county={wen.id}"))
    summary = summary_total(_page(client, f"/summary?county={wen.id}"))
    assert shown["count"] == summary[1] == "3"
    shown = figures(_page(client, f"/dashboard?category={data['a'].category_id}"))
    assert shown["count"] == "2"


def test_a_county_officer_sees_only_their_county(role_client, data):
    page = _page(role_client("officer"), "/dashboard")
    assert figures(page)["count"] == "3"  # the two 温县 projects and the one shared with 孟州市
    assert "孟州市VOCs治理" not in page
    assert [row[0] for row in table_rows(page, "by-county")] == ["温县"]
    assert [row[0] for row in table_rows(page, "warnings-by-county")] == ["温县"]
    options = re.search(r'<select id="f-county".*?</select>', page, re.S)[0]
    assert re.findall(r">([^<]+)</option>", options) == ["全部", "温县"]


@pytest.mark.parametrize("role", ["admin", "planner", "reviewer", "officer"])
def test_every_role_may_open_the_dashboard(role_client, data, role):
    assert role_client(role).get("/dashboard").status_code == 200


def test_an_empty_portfolio_and_bad_filters_render(role_client, users):
    client = role_client("planner")
    assert "没有符合条件的项目" in _page(client, "/dashboard")
    assert _page(client, "/dashboard?period=abc&county=-1&category=99999&plan=x&map=evil")


def test_cumulative_trend_ends_at_the_headline_figure(role_client, data):
    page = _page(role_client("planner"), f"/dashboard?period={data['q4'].id}")
    rows = table_rows(page, "cumulative")
    assert [r[0] for r in rows] == ["2023Q3", "2023Q4"]
    assert rows[-1][2] == figures(page)["done"]
    assert number(rows[0][2]) == Decimal("160")  # a and e in Q3


def test_laggards_are_furthest_behind_first(role_client, data):
    rows = table_rows(_page(role_client("planner"), f"/dashboard?period={data['q4'].id}"), "laggards")
    behind = [number(r[3]) for r in rows]
    assert behind == sorted(behind, reverse=True) and rows[0][0] == "温县光伏发电项目"


def test_tiles_colour_by_warnings(role_client, data):
    page = _page(role_client("planner"), "/dashboard?map=warnings")
    tones = {n: t for t, n in re.findall(r'class="tile tone-(\w+)[^"]*"[^>]*>\s*<b>([^<]+)</b>', page)}
    assert tones["温县"] == "red"  # the 光伏 project is red
    assert tones["武陟县"] == "none"
    assert len(tones) == 13


def test_statement_count_does_not_grow_with_projects(role_client, data):
    client = role_client("planner")
    before = statements_for(client, "/dashboard")
    bulk_projects(60)
    session.commit()
    assert statements_for(client, "/dashboard") == before
