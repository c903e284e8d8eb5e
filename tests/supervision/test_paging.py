"""The 督办 list and the home pages' open items at scale: paged, counted in SQL, within the user's scope."""

import re
from datetime import timedelta

import pytest

from portfolio.db import session
from portfolio.localtime import local_today
from portfolio.supervision.models import ItemState, SupervisionItem
from tests.exports.data import portfolio
from tests.factories import location


@pytest.fixture
def items(app, users):
    """23 open items on a 温县 project, 2 on a 孟州市 one, one closed; ten to a page."""
    app.config["PAGE_SIZE"] = 10
    made = portfolio()
    year, deadline = local_today().year, local_today() + timedelta(days=10)
    owners = [(made["a"], "温县")] * 23 + [(made["c"], "孟州市")] * 2 + [(made["a"], "温县")]
    for number, (project, county) in enumerate(owners, start=1):
        session.add(
            SupervisionItem(
                project_id=project.id,
                year=year,
                number=number,
                county_id=location(county).id,
                problem="进度滞后",
                measures_required="加快推进",
                deadline=deadline + timedelta(days=number),
                state=ItemState.CLOSED if number == 26 else ItemState.ISSUED,
            )
        )
    session.commit()
    return year


def _numbers(page: str) -> list[int]:
    return [int(n) for n in re.findall(r"督办〔\d+〕(\d+)号", page)]


def test_the_list_pages_the_open_items_newest_first(role_client, items):
    planner = role_client("planner")
    first = planner.get("/supervision").get_data(as_text=True)
    assert "共 25 项，第 1/3 页" in first
    assert _numbers(first) == list(range(25, 15, -1))
    third = planner.get("/supervision?page=3").get_data(as_text=True)
    assert "共 25 项，第 3/3 页" in third and _numbers(third) == [5, 4, 3, 2, 1]
    assert "/supervision?page=2&amp;state=open" in third or "/supervision?state=open&amp;page=2" in third
    assert _numbers(planner.get("/supervision?page=99").get_data(as_text=True)) == [5, 4, 3, 2, 1]


def test_the_list_counts_only_the_state_asked_for(role_client, items):
    page = role_client("planner").get("/supervision?state=all&page=3").get_data(as_text=True)
    assert "共 26 项，第 3/3 页" in page and _numbers(page) == [6, 5, 4, 3, 2, 1]
    closed = role_client("planner").get("/supervision?state=closed").get_data(as_text=True)
    assert _numbers(closed) == [26] and "共 1 项" not in closed  # one page: no count line


def test_an_officer_pages_only_their_county(role_client, items):
    officer = role_client("officer")
    page = officer.get("/supervision?page=3").get_data(as_text=True)
    assert "共 23 项，第 3/3 页" in page and _numbers(page) == [3, 2, 1]
    seen = {
        n for p in (1, 2, 3) for n in _numbers(officer.get(f"/supervision?page={p}").get_data(as_text=True))
    }
    assert seen == set(range(1, 24))
    other = role_client("other_officer").get("/supervision").get_data(as_text=True)
    assert _numbers(other) == [25, 24] and "第 1/" not in other


def test_home_lists_the_earliest_deadlines_and_counts_them_all(role_client, items):
    planner_home = role_client("planner").get("/home").get_data(as_text=True)
    assert "未办结的督办事项（25 项）" in planner_home
    listed = re.findall(r'<li data-item-id="\d+"><a [^>]*>督办〔\d+〕(\d+)号', planner_home)
    assert [int(n) for n in listed] == list(range(1, 21))
    assert "仅列出办理期限最早的 20 项" in planner_home
    officer_home = role_client("officer").get("/home").get_data(as_text=True)
    assert "待答复的督办事项（23 项）" in officer_home
    other_home = role_client("other_officer").get("/home").get_data(as_text=True)
    assert "待答复的督办事项（2 项）" in other_home and "仅列出" not in other_home
