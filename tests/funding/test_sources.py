"""Planners keep each plan's source list: rename, add aliases, add, reorder, remove unused ones."""

from decimal import Decimal

from portfolio.db import session
from portfolio.funding.models import ProjectFunding
from tests.factories import make_project
from tests.funding.helpers import sources


def _body(rows: list[tuple]) -> dict:
    data = {}
    for i, (source_id, name, aliases, remove) in enumerate(rows):
        data[f"rows-{i}-id"] = str(source_id or "")
        data[f"rows-{i}-name"] = name
        data[f"rows-{i}-aliases"] = aliases
        if remove:
            data[f"rows-{i}-remove"] = "y"
    return data


def _current() -> list[tuple]:
    return [
        (s.id, s.name, "、".join(s.aliases), False)
        for s in sorted(sources().values(), key=lambda s: s.position)
    ]


def test_planner_renames_adds_and_removes_sources(role_client):
    client = role_client("planner")
    assert "地方政府专项债券" in client.get("/funding/sources").get_data(as_text=True)
    rows = _current()
    rows[-1] = (rows[-1][0], rows[-1][1], rows[-1][2], True)  # remove 其他
    rows[0] = (rows[0][0], "中央预算内投资", "中央预算内、中央基建投资", False)
    rows.append((None, "政策性开发性金融工具", "基础设施基金", False))
    response = client.post("/funding/sources", data=_body(rows), follow_redirects=True)
    assert "资金来源已保存" in response.get_data(as_text=True)
    session.expire_all()
    now = sources()
    assert "其他" not in now and now["政策性开发性金融工具"].aliases == ["基础设施基金"]
    assert now["中央预算内投资"].aliases == ["中央预算内", "中央基建投资"]
    assert now["政策性开发性金融工具"].position == 7


def test_a_source_in_use_cannot_be_removed_and_nothing_changes(role_client):
    project = make_project()
    used = sources()["银行贷款"]
    session.add(ProjectFunding(project_id=project.id, source_id=used.id, amount_wan=Decimal(5)))
    session.commit()
    client = role_client("planner")
    rows = [(i, "改名" if n == "其他" else n, a, i == used.id) for i, n, a, _ in _current()]
    response = client.post("/funding/sources", data=_body(rows))
    assert response.status_code == 400 and "不能删除" in response.get_data(as_text=True)
    session.expire_all()
    assert "银行贷款" in sources() and "其他" in sources()


def test_duplicate_or_blank_names_are_refused(role_client):
    client = role_client("planner")
    rows = _current()
    rows[1] = (rows[1][0], rows[0][1], "", False)
    response = client.post("/funding/sources", data=_body(rows))
    assert response.status_code == 400 and "不能重复" in response.get_data(as_text=True)
    rows = _current()
    rows[1] = (rows[1][0], "  ", "", False)
    assert "不能为空" in client.post("/funding/sources", data=_body(rows)).get_data(as_text=True)


def test_only_planners_and_admins_manage_sources(role_client):
    assert role_client("officer").get("/funding/sources").status_code == 403
    assert role_client("reviewer").get("/funding/sources").status_code == 403
    assert role_client("admin").get("/funding/sources").status_code == 200
