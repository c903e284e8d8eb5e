"""A name or alias belongs to one source: shared, the annex import would file the amount under either."""

import pytest

from portfolio.db import session
from tests.funding.helpers import sources
from tests.funding.test_sources import _body, _current


@pytest.mark.parametrize("alias", ["专项债", "银行贷款", " 专项债 "])
def test_an_alias_another_source_already_uses_is_refused(role_client, alias):
    client = role_client("planner")
    rows = _current()
    index = next(i for i, row in enumerate(rows) if row[1] == "中央财政专项资金")
    rows[index] = (rows[index][0], rows[index][1], f"中央专项资金、{alias}", False)
    response = client.post("/funding/sources", data=_body(rows))
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "同时是" in page and "请只保留一处" in page
    session.expire_all()
    assert alias.strip() not in sources()["中央财政专项资金"].aliases


def test_a_sources_own_name_as_its_alias_is_fine(role_client):
    client = role_client("planner")
    rows = _current()
    rows[0] = (rows[0][0], rows[0][1], f"{rows[0][1]}、中央预算内", False)
    assert client.post("/funding/sources", data=_body(rows)).status_code == 302
