"""The audit log page: filters, pagination, readable changes, and a log no page can alter."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import delete, select, update

from portfolio.audit.display import action_label
from portfolio.audit.models import AuditEntry, AuditLogIsAppendOnly
from portfolio.audit.services import record
from portfolio.db import session
from tests.factories import login_as, make_user
from tests.querycount import statements_for
from tests.world import build_world


def _entry(actor, action: str, entity, at: datetime, **values) -> AuditEntry:
    entry = record(actor, action, entity, **values)
    entry.at = at
    return entry


@pytest.fixture
def log(app, users):
    """Entries by two people on three days, about accounts and a project-like entity."""
    admin, planner, officer = users["admin"], users["planner"], users["officer"]
    day = datetime(2030, 3, 10, 9, 0)
    role_change = {"before": {"role": "planner"}, "after": {"role": "reviewer"}}
    entries = [
        _entry(admin, "user.create", officer, day - timedelta(days=2), after={"username": "officer"}),
        _entry(admin, "user.update", planner, day - timedelta(days=1), **role_change),
        _entry(admin, "user.disable", officer, day, before={"is_active": True}, after={"is_active": False}),
        _entry(planner, "project.update", planner, day, entity_type="Project", summary="调整总投资"),
    ]
    session.commit()
    return entries


def _rows(html: str) -> int:
    body = html.split('id="audit-list">', 1)[1].split("</table>", 1)[0]
    return body.count("<tr>") - 1  # minus the header row


def test_admins_and_planners_browse_everyone_else_is_refused(role_client, log):
    for role in ("admin", "planner"):
        page = role_client(role).get("/audit")
        assert page.status_code == 200 and _rows(page.get_data(as_text=True)) == len(log)
    for role in ("reviewer", "officer"):
        assert role_client(role).get("/audit").status_code == 403


def test_changes_read_as_before_and_after_in_chinese(role_client, log):
    html = role_client("planner").get("/audit?action=user.update").get_data(as_text=True)
    assert _rows(html) == 1
    assert "修改账号" in html and "账号：" in html and "账号 #" not in html  # named, not numbered
    assert (
        '角色：</span><span class="diff-old">市级牵头部门</span> → <span class="diff-new">评估人员</span>'
        in html
    )
    disabled = role_client("planner").get("/audit?action=user.disable").get_data(as_text=True)
    assert '<span class="diff-old">是</span> → <span class="diff-new">否</span>' in disabled


@pytest.mark.parametrize(
    ("query", "expected_actions"),
    [
        ("action=user.disable", {"user.disable"}),
        ("entity_type=Project", {"project.update"}),
        ("date_from=2030-03-09&date_to=2030-03-09", {"user.update"}),
        ("date_from=2030-03-10", {"user.disable", "project.update"}),
        ("date_to=2030-03-08", {"user.create"}),
    ],
)
def test_filters(role_client, log, query, expected_actions):
    html = role_client("admin").get(f"/audit?{query}").get_data(as_text=True)
    assert _rows(html) == len(expected_actions)
    shown = {e.action for e in log if f'<td data-label="操作">{action_label(e.action)}</td>' in html}
    assert shown == expected_actions


def test_filter_by_user_and_by_entity_id(role_client, users, log):
    by_planner = role_client("admin").get(f"/audit?user={users['planner'].id}").get_data(as_text=True)
    assert _rows(by_planner) == 1 and "调整总投资" in by_planner
    officer_id = users["officer"].id
    about_officer = role_client("admin").get(f"/audit?entity_type=User&entity_id={officer_id}")
    assert _rows(about_officer.get_data(as_text=True)) == 2


def test_bad_filter_values_get_a_message_not_an_error(role_client, log):
    page = role_client("admin").get("/audit?entity_id=abc&date_from=2030-13-45&user=x")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "对象编号应为整数" in html and "日期格式应为" in html
    assert _rows(html) == len(log)  # the bad filters filter nothing


def test_pagination_keeps_the_filters(app, role_client, log):
    app.config["PAGE_SIZE"] = 1
    admin = role_client("admin")
    first = admin.get("/audit?date_from=2030-03-09").get_data(as_text=True)
    assert _rows(first) == 1 and "第 1/3 页" in first
    assert "page=2" in first and "date_from=2030-03-09" in first
    last = admin.get("/audit?date_from=2030-03-09&page=3").get_data(as_text=True)
    assert _rows(last) == 1 and "第 3/3 页" in last and "<td>创建账号</td>" not in last
    beyond = admin.get("/audit?date_from=2030-03-09&page=99").get_data(as_text=True)
    assert "第 3/3 页" in beyond


def test_the_page_costs_the_same_statements_however_many_entries(app, users, log):
    client = app.test_client()
    login_as(client, users["admin"])
    few = statements_for(client, "/audit")
    for i in range(60):
        actor = make_user(f"extra{i}", "reviewer")
        record(actor, "user.update", actor, before={"role": "reviewer"}, after={"role": "planner"})
    session.commit()
    assert statements_for(client, "/audit") == few


def test_no_route_changes_or_deletes_an_audit_entry(app, users):
    """The audit pages have no POST route, and posting to every route leaves the existing log intact."""
    audit_rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("audit.")]
    assert audit_rules and all(r.methods <= {"GET", "HEAD", "OPTIONS"} for r in audit_rules)
    world = build_world(users)
    columns = AuditEntry.__table__.columns
    before = session.execute(select(*columns).order_by(AuditEntry.id)).all()
    assert before
    admin = app.test_client()
    for rule in app.url_map.iter_rules():
        if "POST" in rule.methods:
            login_as(admin, users["admin"])  # some routes (logout) end the session
            admin.post(rule.build(world.args(rule.arguments, "own"), append_unknown=False)[1], data={})
    session.expire_all()
    after = session.execute(
        select(*columns).where(AuditEntry.id <= before[-1].id).order_by(AuditEntry.id)
    ).all()
    assert after == before


def test_the_model_refuses_updates_and_deletes(app, users, log):
    entry = log[0]
    entry.summary = "篡改"
    with pytest.raises(AuditLogIsAppendOnly):
        session.flush()
    session.rollback()
    session.delete(session.get(AuditEntry, entry.id))
    with pytest.raises(AuditLogIsAppendOnly):
        session.flush()
    session.rollback()
    with pytest.raises(AuditLogIsAppendOnly):
        session.execute(update(AuditEntry).values(summary="篡改"))
    with pytest.raises(AuditLogIsAppendOnly):
        session.execute(delete(AuditEntry))
    session.rollback()
    assert session.get(AuditEntry, entry.id).summary is None
