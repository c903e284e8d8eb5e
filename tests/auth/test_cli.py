"""`flask --app app create-user`: the same service as the account pages, one commit per command."""

from sqlalchemy import select

from portfolio.audit.models import AuditEntry
from portfolio.auth.models import Role, User
from portfolio.db import session

GOOD = "Cli#password1"


def _create(runner, *extra):
    args = ["create-user", "--username", "wx-cli", "--name", "温县填报（命令行）", *extra, "--password", GOOD]
    return runner.invoke(args=args)


def test_create_user_makes_a_scoped_officer_who_can_log_in(app, runner):
    result = _create(runner, "--role", "county_officer", "--county", "温县")
    assert result.exit_code == 0, result.output
    assert "已创建账号 wx-cli" in result.output
    user = session.scalar(select(User).where(User.username == "wx-cli"))
    assert user.role == Role.COUNTY_OFFICER and user.county.name == "温县"
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "user.create"))
    assert entry.user_id is None and entry.entity_id == user.id  # done by the system, not a person
    login = app.test_client().post("/login", data={"username": "wx-cli", "password": GOOD})
    assert login.status_code == 302


def test_create_user_refuses_bad_input_with_a_chinese_message_and_writes_nothing(app, runner):
    unscoped = _create(runner, "--role", "county_officer")
    assert unscoped.exit_code != 0 and "必须指定所属县区或责任单位" in unscoped.output
    unknown = _create(runner, "--role", "county_officer", "--county", "不存在县")
    assert unknown.exit_code != 0 and "未知的县区" in unknown.output
    weak = runner.invoke(
        args=["create-user", "--username", "weak", "--name", "弱", "--role", "planner", "--password", "short"]
    )
    assert weak.exit_code != 0 and "密码至少需要" in weak.output
    assert session.scalars(select(User)).all() == []
    assert session.scalars(select(AuditEntry)).all() == []


def test_create_user_refuses_a_duplicate_name(app, runner):
    assert _create(runner, "--role", "planner").exit_code == 0
    again = _create(runner, "--role", "reviewer")
    assert again.exit_code != 0 and "已存在" in again.output
