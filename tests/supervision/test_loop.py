"""The 督办 loop over HTTP: offered for red projects, issued, answered with a file, sent back, answered
again, closed; overdue items flagged and escalated; the home pages, the project page, the 督办清单 and the
printable notice follow each step."""

import io
from datetime import timedelta

import pytest

from portfolio.db import session
from portfolio.localtime import local_today
from portfolio.supervision.models import ItemState, SupervisionItem
from tests.exports.data import portfolio
from tests.exports.sheets import open_xlsx
from tests.factories import location
from tests.world import PNG


@pytest.fixture
def data(app, users):
    made = portfolio()
    session.commit()
    return made


def _issue(client, project, **changes):
    form = {
        "county_id": str(location("温县").id),
        "unit_id": "",
        "problem": "光伏板安装滞后，落后序时进度 40 个百分点",
        "measures_required": "增加施工力量，月底前完成主体安装",
        "deadline": (local_today() + timedelta(days=15)).isoformat(),
    } | changes
    return client.post(f"/supervision/new/{project.id}", data=form)


def _item(number: int = 1) -> SupervisionItem:
    session.expire_all()
    return session.query(SupervisionItem).filter_by(year=local_today().year, number=number).one()


def _sheet_rows(client) -> list[tuple]:
    response = client.get("/exports/supervision.xlsx")
    assert response.status_code == 200
    return list(open_xlsx(response.data)["督办清单"].iter_rows(values_only=True))


def test_red_projects_are_offered_until_an_item_is_open(role_client, data):
    planner = role_client("planner")
    page = planner.get("/supervision").get_data(as_text=True)
    assert f'data-project-id="{data["b"].id}"' in page and "建议督办的红色预警项目" in page
    assert _issue(planner, data["b"]).status_code == 302
    page = planner.get("/supervision").get_data(as_text=True)
    assert f'data-project-id="{data["b"].id}"' not in page
    assert f"督办〔{local_today().year}〕1号" in page


def test_numbers_count_up_within_the_year(role_client, data):
    planner = role_client("planner")
    _issue(planner, data["b"])
    _issue(planner, data["a"])
    assert _item(2).project_id == data["a"].id
    form = planner.get(f"/supervision/new/{data['c'].id}").get_data(as_text=True)
    assert "孟州市" in form  # the project's county is proposed as responsible


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"problem": "  "}, "请填写存在问题"),
        ({"county_id": "", "unit_id": ""}, "请指定责任单位或责任县区"),
        ({"deadline": "2001-01-01"}, "办理期限不能早于今天"),
        ({"deadline": "明天"}, "办理期限"),
        ({"county_id": "999999"}, "不存在"),
    ],
)
def test_bad_input_is_refused_and_kept(role_client, data, changes, message):
    response = _issue(role_client("planner"), data["b"], **changes)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and message in page
    assert "增加施工力量，月底前完成主体安装" in page  # what was typed is still there
    assert session.query(SupervisionItem).count() == 0


def test_the_whole_loop(role_client, data, app):
    planner, officer, other = role_client("planner"), role_client("officer"), role_client("other_officer")
    project = data["b"]
    _issue(planner, project)
    item = _item()
    assert _on_home(officer, item)
    assert not _on_home(other, item)
    assert other.get(f"/supervision/items/{item.id}").status_code == 404
    assert _row(planner, project.name)[1] == "待答复"

    answered = officer.post(
        f"/supervision/items/{item.id}/answer",
        data={
            "version": str(item.version),
            "measures_taken": "已增派两个施工班组",
            "progress": "主体安装完成 60%",
            "files": [(io.BytesIO(PNG), "现场.png")],
        },
        content_type="multipart/form-data",
    )
    assert answered.status_code == 302
    item = _item()
    assert item.state == ItemState.ANSWERED
    file_id = item.last_answer.files[0].id
    assert planner.get(f"/supervision/files/{file_id}").data == PNG
    assert other.get(f"/supervision/files/{file_id}").status_code == 404
    assert not _on_home(officer, item)  # nothing owed now
    assert _on_home(planner, item)
    assert _row(planner, project.name)[1:] == ("已答复待审", "已增派两个施工班组（进展：主体安装完成 60%）")

    refused = planner.post(f"/supervision/items/{item.id}/return", data={"version": str(item.version)})
    assert refused.status_code == 400 and "请填写退回理由" in refused.get_data(as_text=True)
    planner.post(
        f"/supervision/items/{item.id}/return", data={"version": str(item.version), "note": "请附验收照片"}
    )
    assert _item().state == ItemState.RETURNED
    assert _on_home(officer, item)
    officer.post(
        f"/supervision/items/{item.id}/answer",
        data={"version": str(_item().version), "measures_taken": "补充验收照片", "progress": "已完成"},
    )
    closed = planner.post(f"/supervision/items/{item.id}/close", data={"version": str(_item().version)})
    assert closed.status_code == 302 and _item().state == ItemState.CLOSED
    page = planner.get(f"/supervision/items/{item.id}").get_data(as_text=True)
    for step in ("下达督办", "答复", "退回重办", "请附验收照片", "办结"):
        assert step in page
    detail = planner.get(f"/projects/{project.id}").get_data(as_text=True)
    assert item.code in detail and "已办结" in detail
    assert _row(planner, project.name)[1] == "已办结"


def _on_home(client, item) -> bool:
    """Whether the item is listed in the home page's 督办 section."""
    return f'<li data-item-id="{item.id}">' in client.get("/home").get_data(as_text=True)


def _row(client, name: str) -> tuple:
    """(督办编号, 办理状态, 答复情况) of a project's row in the 督办清单."""
    rows = _sheet_rows(client)
    header = rows[2]
    row = next(r for r in rows if name in r)
    index = header.index("督办编号") if "督办编号" in header else len(row) - 3
    return tuple(row[index : index + 3])


def test_a_stale_decision_is_refused(role_client, data):
    planner, officer = role_client("planner"), role_client("officer")
    _issue(planner, data["b"])
    item = _item()
    stale = item.version
    officer.post(
        f"/supervision/items/{item.id}/answer",
        data={"version": str(stale), "measures_taken": "已处理", "progress": "完成"},
    )
    again = officer.post(
        f"/supervision/items/{item.id}/answer",
        data={"version": str(stale), "measures_taken": "又处理", "progress": "完成"},
    )
    assert again.status_code == 409 and "已被他人处理" in again.get_data(as_text=True)


def test_overdue_items_are_flagged_and_escalated(role_client, data):
    planner = role_client("planner")
    _issue(planner, data["b"])
    item = _item()
    early = planner.post(f"/supervision/items/{item.id}/escalate", data={"note": "约谈"})
    assert early.status_code == 400 and "未逾期" in early.get_data(as_text=True)
    item.deadline = local_today() - timedelta(days=3)
    session.commit()
    page = planner.get("/supervision?state=overdue").get_data(as_text=True)
    assert item.code in page and "已逾期" in page
    response = planner.post(f"/supervision/items/{item.id}/escalate", data={"note": "已报市政府督查室"})
    assert response.status_code == 302
    assert _item().escalations == 1
    assert "升级督办" in planner.get(f"/supervision/items/{item.id}").get_data(as_text=True)
    assert _row(planner, data["b"].name)[1] == "待答复（已逾期）"


def test_the_notice_prints_the_item(role_client, data):
    planner = role_client("planner")
    _issue(planner, data["b"])
    item = _item()
    page = planner.get(f"/supervision/items/{item.id}/notice").get_data(as_text=True)
    assert "督 办 通 知" in page and item.code in page and "温县：" in page
    assert "增加施工力量" in page and "supervision-notice.css" in page


def test_officers_cannot_issue_and_planners_cannot_answer(role_client, data):
    assert role_client("officer").get(f"/supervision/new/{data['a'].id}").status_code == 403
    _issue(role_client("planner"), data["b"])
    item = _item()
    answer = {"measures_taken": "x", "progress": "y"}
    assert role_client("planner").post(f"/supervision/items/{item.id}/answer", data=answer).status_code == 403


def test_each_step_notifies_the_other_side(role_client, data, users):
    from portfolio.notify.models import Notification

    planner, officer = role_client("planner"), role_client("officer")
    _issue(planner, data["b"])
    item = _item()

    def titles(user) -> list[str]:
        session.expire_all()
        return [
            n.title for n in session.query(Notification).filter_by(user_id=user.id).order_by(Notification.id)
        ]

    assert titles(users["officer"]) == [f"{item.code}：请于 {item.deadline.isoformat()} 前答复"]
    assert titles(users["other_officer"]) == []  # 孟州市 does not answer for a 温县 project
    officer.post(
        f"/supervision/items/{item.id}/answer",
        data={"version": str(item.version), "measures_taken": "已处理", "progress": "完成"},
    )
    assert titles(users["planner"]) == [f"{item.code}已答复，待审核"]
    planner.post(f"/supervision/items/{item.id}/close", data={"version": str(_item().version)})
    assert titles(users["officer"])[-1] == f"{item.code}已办结"
