"""Account management by admins, and every user's own password change."""

from sqlalchemy import func, select

from portfolio.audit.models import AuditEntry
from portfolio.auth import throttle
from portfolio.auth.models import Role, User
from portfolio.auth.passwords import verify_password
from portfolio.auth.services import account_marker
from portfolio.db import session
from tests.factories import PASSWORD, make_user, unit

NEW_PASSWORD = "Fresh#2024abc"


def _entries(action: str) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_admin_lists_accounts_with_role_and_scope(role_client, users):
    page = role_client("admin").get("/users")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for user in users.values():
        assert user.username in html
    assert "县区填报" in html and "温县" in html and "孟州市" in html


def test_admin_creates_a_county_officer_and_it_is_audited(role_client, users):
    admin = role_client("admin")
    assert "新建账号" in admin.get("/users/new").get_data(as_text=True)
    response = admin.post(
        "/users/new",
        data={
            "username": "wx-officer2",
            "display_name": "温县填报二",
            "role": "county_officer",
            "county": "温县",
            "unit": "",
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    created = session.scalar(select(User).where(User.username == "wx-officer2"))
    assert created.role == Role.COUNTY_OFFICER and created.county.name == "温县"
    assert verify_password(created.password_hash, NEW_PASSWORD)
    [entry] = _entries("user.create")
    assert entry.user_id == users["admin"].id and entry.entity_id == created.id
    assert entry.after["county"] == "温县"


def test_an_officer_without_a_scope_is_refused_with_a_message(role_client, users):
    data = {
        "username": "noscope",
        "display_name": "无范围",
        "role": "county_officer",
        "password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD,
    }
    page = role_client("admin").post("/users/new", data=data)
    assert page.status_code == 200
    assert "县区填报账号必须指定所属县区或责任单位" in page.get_data(as_text=True)
    assert session.scalar(select(User).where(User.username == "noscope")) is None


def test_weak_password_duplicate_name_and_mismatch_are_refused(role_client, users):
    admin = role_client("admin")
    base = {"display_name": "某人", "role": "planner", "confirm": NEW_PASSWORD}
    weak_data = {"username": "weak", "password": "abcdefgh", "confirm": "abcdefgh"}
    weak = admin.post("/users/new", data=base | weak_data)
    assert "密码须同时包含字母和数字" in weak.get_data(as_text=True)
    dup = admin.post("/users/new", data=base | {"username": "planner", "password": NEW_PASSWORD})
    assert "已存在" in dup.get_data(as_text=True)
    mismatch = admin.post("/users/new", data=base | {"username": "mm", "password": NEW_PASSWORD + "x"})
    assert "两次输入的密码不一致" in mismatch.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(User)) == len(users)


def _edit_data(user: User, **changes) -> dict:
    data = {
        "display_name": user.display_name,
        "role": user.role.value,
        "county": user.county.name if user.county else "",
        "unit": user.unit.name if user.unit else "",
        "marker": account_marker(user),
    }
    return data | changes


def test_admin_changes_role_and_scope_and_the_audit_shows_before_and_after(role_client, users):
    officer = users["officer"]
    unit("温县生态环境分局", "温县")
    data = _edit_data(officer, county="", unit="温县生态环境分局")
    response = role_client("admin").post(f"/users/{officer.id}/edit", data=data)
    assert response.status_code == 302
    assert officer.county is None and officer.unit.name == "温县生态环境分局"
    [entry] = _entries("user.update")
    assert entry.before["county"] == "温县" and entry.after["unit"] == "温县生态环境分局"
    audit = role_client("admin").get("/audit?action=user.update").get_data(as_text=True)
    assert "修改账号" in audit and "温县 → " not in audit  # rendered with markup between the values
    assert "所属县区：" in audit and "温县生态环境分局" in audit


def test_a_stale_edit_form_is_refused_showing_what_changed(role_client, users):
    planner = users["planner"]
    opened = _edit_data(planner)
    admin = role_client("admin")
    first = admin.post(f"/users/{planner.id}/edit", data=opened | {"role": "reviewer"})
    assert first.status_code == 302
    second = admin.post(f"/users/{planner.id}/edit", data=opened | {"display_name": "改名"})
    assert second.status_code == 200
    html = second.get_data(as_text=True)
    assert "已被他人修改" in html and "角色：市级牵头部门 → 评估人员" in html
    assert 'value="改名"' in html  # the user's input is kept
    assert planner.display_name == "planner" and planner.role == Role.REVIEWER
    assert len(_entries("user.update")) == 1


def test_disabling_ends_sessions_and_enabling_restores_login(app, role_client, users):
    officer_client = role_client("officer")
    assert officer_client.get("/account/password").status_code == 200
    officer = users["officer"]
    response = role_client("admin").post(f"/users/{officer.id}/active", data={"active": "0"})
    assert response.status_code == 302 and not officer.is_active
    assert officer_client.get("/account/password").status_code == 302  # back to the login page
    login = app.test_client().post("/login", data={"username": "officer", "password": PASSWORD})
    assert "该账号已停用" in login.get_data(as_text=True)
    role_client("admin").post(f"/users/{officer.id}/active", data={"active": "1"})
    assert officer.is_active
    again = app.test_client().post("/login", data={"username": "officer", "password": PASSWORD})
    assert again.status_code == 302
    assert [e.action for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))] == [
        "user.disable",
        "user.enable",
    ]


def test_the_last_active_admin_cannot_disable_or_demote_themselves(role_client, users):
    admin_user = users["admin"]
    admin = role_client("admin")
    page = admin.post(f"/users/{admin_user.id}/active", data={"active": "0"}, follow_redirects=True)
    assert "至少保留一名启用状态的系统管理员" in page.get_data(as_text=True)
    page = admin.post(f"/users/{admin_user.id}/edit", data=_edit_data(admin_user, role="planner"))
    assert "至少保留一名启用状态的系统管理员" in page.get_data(as_text=True)
    assert admin_user.is_active and admin_user.role == Role.ADMIN
    assert _entries("user.update") == [] and _entries("user.disable") == []


def test_an_admin_may_step_down_when_another_admin_remains(role_client, users):
    make_user("admin2", "admin")
    session.commit()
    admin_user = users["admin"]
    data = _edit_data(admin_user, role="planner")
    response = role_client("admin").post(f"/users/{admin_user.id}/edit", data=data)
    assert response.status_code == 302 and admin_user.role == Role.PLANNER


def test_password_reset_lifts_the_lock_and_ends_sessions(app, role_client, users):
    reviewer = users["reviewer"]
    reviewer_client = role_client("reviewer")
    for _ in range(5):
        app.test_client().post("/login", data={"username": "reviewer", "password": "wrong-1234"})
    assert any(p.username == "reviewer" for p in throttle.list_throttled_pairs())
    data = {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    page = role_client("admin").post(f"/users/{reviewer.id}/password", data=data, follow_redirects=True)
    assert "已重置" in page.get_data(as_text=True)
    assert throttle.list_throttled_pairs() == [] and verify_password(reviewer.password_hash, NEW_PASSWORD)
    assert reviewer_client.get("/account/password").status_code == 302
    login = app.test_client().post("/login", data={"username": "reviewer", "password": NEW_PASSWORD})
    assert login.status_code == 302
    [entry] = _entries("user.password_reset")
    assert entry.before["locked"] is True and "hash" not in str(entry.after)


def test_a_bad_reset_password_is_refused_with_a_message(role_client, users):
    reviewer = users["reviewer"]
    old_hash = reviewer.password_hash
    data = {"password": "short1", "confirm": "short1"}
    page = role_client("admin").post(f"/users/{reviewer.id}/password", data=data, follow_redirects=True)
    assert "密码至少需要 8 位" in page.get_data(as_text=True)
    assert reviewer.password_hash == old_hash


def test_unknown_account_is_404(role_client, users):
    assert role_client("admin").get("/users/9999/edit").status_code == 404
    assert role_client("admin").post("/users/9999/active", data={"active": "0"}).status_code == 404


def test_own_password_change_ends_other_sessions_but_keeps_this_one(app, users):
    here, elsewhere = app.test_client(), app.test_client()
    for c in (here, elsewhere):
        assert c.post("/login", data={"username": "planner", "password": PASSWORD}).status_code == 302
    wrong = here.post(
        "/account/password", data={"current": "nope", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert "当前密码不正确" in wrong.get_data(as_text=True)
    done = here.post(
        "/account/password",
        data={"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        follow_redirects=True,
    )
    assert "密码已修改" in done.get_data(as_text=True)
    assert here.get("/account/password").status_code == 200
    assert elsewhere.get("/account/password").status_code == 302
    assert verify_password(users["planner"].password_hash, NEW_PASSWORD)
    [entry] = _entries("user.password_change")
    assert entry.user_id == users["planner"].id


def test_every_role_may_change_their_own_password(role_client, users):
    for role in users:
        assert role_client(role).get("/account/password").status_code == 200


def test_only_admins_manage_accounts(role_client, users):
    target = users["officer"]
    for role in ("planner", "reviewer", "officer"):
        assert role_client(role).get("/users").status_code == 403
        assert role_client(role).post(f"/users/{target.id}/active", data={"active": "0"}).status_code == 403
    assert target.is_active
