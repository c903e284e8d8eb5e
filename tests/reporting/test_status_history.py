"""The project page's status history: the last periods as coloured cells with warning, percent, investment."""

import re

import pytest

from portfolio.db import session
from tests.exports.data import portfolio
from tests.factories import make_period


@pytest.fixture
def data(app, users):
    made = portfolio()
    session.commit()
    return made


def _cells(page: str) -> dict[str, str]:
    section = re.search(r'id="status-history".*?</section>', page, re.S)[0]
    found = re.findall(
        r'<td class="history-cell level-(\w+)"[^>]*data-period="([^"]+)"[^>]*>(.*?)</td>', section, re.S
    )
    return {code: (level, re.sub(r"<[^>]+>|\s+", "", body)) for level, code, body in found}


def test_each_period_shows_its_warning_percent_and_investment(role_client, data):
    cells = _cells(role_client("planner").get(f"/projects/{data['a'].id}").get_data(as_text=True))
    assert list(cells) == ["2023Q3", "2023Q4"]
    assert cells["2023Q3"][1].endswith("完成30.00%本期100.00万元")
    assert cells["2023Q4"][1].endswith("完成50.00%本期150.25万元")
    shared = _cells(role_client("officer").get(f"/projects/{data['e'].id}").get_data(as_text=True))
    assert shared["2023Q4"][1].endswith("本期未报送")  # reported in Q3 only


def test_only_the_last_eight_periods_show(role_client, data):
    for quarter in range(1, 5):
        make_period(data["a"].plan, f"2022Q{quarter}")
    make_period(data["a"].plan, "2023Q1")
    make_period(data["a"].plan, "2023Q2")
    make_period(data["a"].plan, "2021Q4")
    session.commit()
    cells = _cells(role_client("planner").get(f"/projects/{data['a'].id}").get_data(as_text=True))
    assert list(cells) == ["2022Q1", "2022Q2", "2022Q3", "2022Q4", "2023Q1", "2023Q2", "2023Q3", "2023Q4"]
    assert cells["2022Q1"][0] in ("red", "unreported")
