"""进度历史: projects × periods, one row per project, one cell per period, with the grid's filters,
paging, scope, and a fixed number of statements however many projects."""

import re

import pytest

from portfolio.db import session
from portfolio.projects.models import LifecycleStatus
from portfolio.reporting.models import ReportStatus
from portfolio.reporting.warnings import Level
from tests.exports.data import portfolio
from tests.factories import bulk_projects, make_period, make_project, make_report, unit
from tests.querycount import statements_for


@pytest.fixture
def data(app, users):
    made = portfolio()
    session.commit()
    return made


def grid(page: str) -> dict[str, dict[str, tuple]]:
    """project name → period code → (level, report state, text of the cell)."""
    table = re.search(r'<table[^>]*id="history-grid".*?</table>', page, re.S)[0]
    rows = {}
    for row in re.findall(r'<tr data-project="\d+">(.*?)</tr>', table, re.S):
        name = re.search(r'<a href="/projects/\d+">([^<]+)</a>', row)[1]
        cells = re.findall(
            r'data-period="([^"]+)" data-level="(\w+)" data-state="(\w+)">(.*?)</td>', row, re.S
        )
        rows[name] = {
            code: (level, state, re.sub(r"<[^>]+>|\s+", "", body)) for code, level, state, body in cells
        }
    return rows


def page_of(client, query: str = "") -> dict:
    response = client.get(f"/projects/history{query}")
    assert response.status_code == 200
    return grid(response.get_data(as_text=True))


def test_each_project_has_a_row_and_each_period_a_cell_with_warning_state_percent_and_investment(
    role_client, data
):
    rows = page_of(role_client("planner"))
    assert set(rows) == {p.name for k, p in data.items() if k in "abcde"}
    a, b, c, d, e = (rows[data[k].name] for k in "abcde")
    assert list(a) == ["2023Q3", "2023Q4"]
    assert a["2023Q3"][1] == "approved" and a["2023Q3"][2].endswith("完成30.00%本期100.00万元")
    assert a["2023Q4"][2].endswith("报告已通过完成50.00%本期150.25万元")
    assert b["2023Q4"][0] == "red" and c["2023Q4"][0] == "yellow"
    assert b["2023Q3"] == ("unreported", "missing", "无已通过报告报告未填报完成—本期未报送")
    # A submitted report is shown as such and counts for nothing.
    assert d["2023Q4"][:2] == ("unreported", "submitted") and d["2023Q4"][2].endswith("完成—本期未报送")
    # Reported in Q3 only: Q4 carries its percent forward, with nothing reported in the period.
    assert e["2023Q4"][1] == "missing" and e["2023Q4"][2].endswith("完成40.00%本期未报送")


def test_cells_equal_the_project_page_history(role_client, data):
    client = role_client("planner")
    rows = page_of(client)
    for key in "abcde":
        page = client.get(f"/projects/{data[key].id}").get_data(as_text=True)
        section = re.search(r'id="status-history".*?</section>', page, re.S)[0]
        cells = re.findall(
            r'data-period="([^"]+)" data-level="(\w+)" data-state="(\w+)">(.*?)</td>', section, re.S
        )
        own = {code: (level, state, re.sub(r"<[^>]+>|\s+", "", body)) for code, level, state, body in cells}
        assert own == rows[data[key].name]


def test_filters_by_category_county_status_and_lead_unit(role_client, data):
    client = role_client("planner")
    plan = data["a"].plan
    cat4 = next(c for c in plan.categories if c.number == 4)
    assert set(page_of(client, f"?category={cat4.id}")) == {data["a"].name, data["e"].name}
    mengzhou = next(loc for loc in data["c"].locations)
    assert set(page_of(client, f"?county={mengzhou.id}")) == {data[k].name for k in "cde"}
    data["d"].status = LifecycleStatus.SUSPENDED
    led = make_project(name="市局牵头项目", units=["市生态环境局", "温县人民政府"])
    session.commit()
    assert set(page_of(client, "?status=suspended")) == {data["d"].name}
    wenxian_gov = unit("温县人民政府", "温县")
    # 温县人民政府 supports 市局牵头项目 but does not lead it.
    assert led.name not in page_of(client, f"?lead_unit={wenxian_gov.id}")
    assert data["a"].name in page_of(client, f"?lead_unit={wenxian_gov.id}")
    city = unit("市生态环境局")
    assert set(page_of(client, f"?lead_unit={city.id}")) == {led.name}


@pytest.mark.parametrize("level", list(Level))
def test_the_warning_filter_keeps_exactly_the_rows_whose_last_cell_has_that_level(role_client, data, level):
    make_project(name="已调出项目", status=LifecycleStatus.WITHDRAWN)
    make_project(name="已竣工项目", status=LifecycleStatus.COMPLETED)
    session.commit()
    client = role_client("planner")
    every = page_of(client)
    expected = {name for name, cells in every.items() if cells["2023Q4"][0] == level.value}
    assert set(page_of(client, f"?level={level.value}")) == expected


def test_period_and_span_choose_the_columns(role_client, data):
    plan = data["a"].plan
    for code in ("2022Q1", "2022Q2", "2022Q3", "2022Q4", "2023Q1", "2023Q2"):
        make_period(plan, code)
    session.commit()
    client = role_client("planner")
    assert list(page_of(client)[data["a"].name]) == [
        "2022Q1", "2022Q2", "2022Q3", "2022Q4", "2023Q1", "2023Q2", "2023Q3", "2023Q4"
    ]  # fmt: skip
    assert list(page_of(client, "?span=4")[data["a"].name]) == ["2023Q1", "2023Q2", "2023Q3", "2023Q4"]
    q3 = data["q3"]
    assert list(page_of(client, f"?span=4&period={q3.id}")[data["a"].name]) == [
        "2022Q4", "2023Q1", "2023Q2", "2023Q3"
    ]  # fmt: skip
    # The warning filter reads the last column shown.
    assert set(page_of(client, f"?period={q3.id}&level=red")) == set()
    assert data["b"].name in page_of(client, "?level=red")


def test_a_county_officer_sees_only_their_county(role_client, data):
    assert set(page_of(role_client("officer"))) == {data[k].name for k in "abe"}
    assert set(page_of(role_client("other_officer"))) == {data[k].name for k in "cde"}


def test_pages_of_rows_and_hostile_filters(role_client, data, app):
    app.config["PAGE_SIZE"] = 2
    client = role_client("planner")
    seen = []
    for n in (1, 2, 3):
        seen += list(page_of(client, f"?page={n}"))
    assert len(seen) == 5 and set(seen) == {data[k].name for k in "abcde"}
    assert len(page_of(client, "?page=99")) == 1  # past the end: the last page
    for query in ("?level=purple", "?span=1000", "?period=x", "?lead_unit=-1", "?status=%00", "?page=-3"):
        assert client.get(f"/projects/history{query}").status_code == 200


@pytest.mark.slow
def test_statements_do_not_grow_with_projects(role_client, data):
    client = role_client("planner")
    url = f"/projects/history?level=red&period={data['q4'].id}"
    small = statements_for(client, url), statements_for(client, "/projects/history")
    bulk_projects(3000)
    make_report(data["b"], data["q3"], invested="1", pct="1")
    session.commit()
    large = statements_for(client, url), statements_for(client, "/projects/history")
    assert large == small


def test_a_cell_is_the_period_s_progress_sheet_row(role_client, data):
    """The period under way too: each cell shows what that period's 调度表 shows for the project."""
    from portfolio.localtime import local_today
    from tests.exports.sheets import COL, body, calamine_rows

    today = local_today()
    current = make_period(data["a"].plan, f"{today.year}Q{(today.month - 1) // 3 + 1}")
    make_report(data["a"], current, invested="10", pct="70")
    make_report(data["b"], current, ReportStatus.RETURNED, invested="5", pct="20")
    session.commit()
    client = role_client("planner")
    rows = page_of(client)
    for period in (data["q3"], data["q4"], current):
        sheet = client.get(f"/exports/periods/{period.id}/progress.xlsx").data
        warnings = {
            r[COL["name"]]: r[COL["warning"]]
            for kind, r in body(calamine_rows(sheet, "推进情况表"))
            if kind == "project"
        }
        labels = {name: Level(cells[period.code][0]).label for name, cells in rows.items()}
        assert labels == warnings
    a, b = rows[data["a"].name][current.code], rows[data["b"].name][current.code]
    assert a[1] == "approved" and a[2].endswith("完成70.00%本期10.00万元")
    assert b[1] == "returned" and b[2].endswith("完成10.00%本期未报送")
