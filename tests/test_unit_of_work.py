"""The one commit point: what a request or a CLI command keeps, and the hooks for files on disk."""

import click
import pytest
from flask import get_flashed_messages
from sqlalchemy import func, select

from portfolio.db import session
from portfolio.errors import DomainError
from portfolio.projects.models import Unit
from portfolio.unit_of_work import after_commit, command, discard, on_rollback, refuse


class Kept(DomainError):
    keeps_changes = True


def _count(name: str) -> int:
    return session.scalar(select(func.count()).select_from(Unit).where(Unit.name == name))


@pytest.fixture
def calls(app) -> list[str]:
    """Routes that write one unit, then end in each way a view can; `calls` records the hooks that ran."""
    ran: list[str] = []

    def write(name: str) -> None:
        session.add(Unit(name=name))
        session.flush()
        on_rollback(lambda: ran.append(f"rolled back {name}"))
        after_commit(lambda: ran.append(f"committed {name}"))

    def ok():
        write("ok")
        return "ok"

    def refused():
        write("refused")
        try:
            raise DomainError("不行。")
        except DomainError as e:
            refuse(e)
        return "refused", 400

    def refused_kept():
        write("kept")
        try:
            raise Kept("记下了。")
        except DomainError as e:
            refuse(e)
        return "shown", 200

    def previewed():
        write("preview")
        discard()
        return "preview"

    def uncaught_domain():
        write("uncaught")
        raise DomainError("服务拒绝。")

    def crashed():
        write("crash")
        raise RuntimeError("boom")

    def error_status():
        write("400")
        return "bad", 400

    for view in (ok, refused, refused_kept, previewed, uncaught_domain, crashed, error_status):
        app.add_url_rule(f"/uow/{view.__name__}", view.__name__, view, methods=["POST"])
    return ran


def test_a_successful_request_commits_and_runs_after_commit(client, calls):
    assert client.post("/uow/ok").status_code == 200
    session.rollback()  # forget the test's own view of the session: read what the database holds
    assert _count("ok") == 1
    assert calls == ["committed ok"]


@pytest.mark.parametrize(
    ("endpoint", "name", "status"),
    [
        ("refused", "refused", 400),
        ("previewed", "preview", 200),
        ("uncaught_domain", "uncaught", 400),
        ("error_status", "400", 400),
    ],
)
def test_refusals_previews_and_error_responses_keep_nothing(client, calls, endpoint, name, status):
    response = client.post(f"/uow/{endpoint}")
    assert response.status_code == status
    session.rollback()
    assert _count(name) == 0
    assert calls == [f"rolled back {name}"]  # a file written for the request would be removed


def test_an_exception_keeps_nothing(client, calls, app):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: the 500 page
    response = client.post("/uow/crashed")
    assert response.status_code == 500
    session.rollback()
    assert _count("crash") == 0
    assert calls == ["rolled back crash"]


def test_an_exception_that_propagates_keeps_nothing(client, calls):
    with pytest.raises(RuntimeError):
        client.post("/uow/crashed")
    assert _count("crash") == 0
    assert calls == ["rolled back crash"]


def test_a_refusal_that_is_itself_a_record_is_kept_and_shown(client, calls):
    assert client.post("/uow/refused_kept").status_code == 200
    session.rollback()
    assert _count("kept") == 1
    assert calls == ["committed kept"]


def test_refuse_flashes_the_message(app):
    with app.test_request_context():
        refuse(DomainError("期间已关闭。"))
        assert get_flashed_messages(with_categories=True) == [("error", "期间已关闭。")]


def _run(app, fn, *args):
    return app.test_cli_runner().invoke(click.command("t")(command(fn)), args=list(args))


def test_a_command_commits_on_success_and_rolls_back_otherwise(app):
    def make(name: str, status: int = 0, dry: bool = False):
        session.add(Unit(name=name))
        session.flush()
        if dry:
            discard()
        return status

    assert _run(app, lambda: make("cli-ok")).exit_code == 0
    assert _run(app, lambda: make("cli-invalid", 1)).exit_code == 1
    assert _run(app, lambda: make("cli-dry", dry=True)).exit_code == 0

    def refused():
        make("cli-refused")
        raise DomainError("找不到规划。")

    result = _run(app, refused)
    assert result.exit_code == 1 and "找不到规划。" in result.output
    session.rollback()
    assert [_count(n) for n in ("cli-ok", "cli-invalid", "cli-dry", "cli-refused")] == [1, 0, 0, 0]
