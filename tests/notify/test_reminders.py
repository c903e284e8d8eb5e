"""催报 and workflow notifications: in-app with an unread badge, e-mail via a real local SMTP server."""

import socket
from datetime import timedelta
from email import message_from_bytes
from email.policy import default as default_policy
from io import BytesIO

import pytest
from aiosmtpd.controller import Controller
from openpyxl import load_workbook
from sqlalchemy import select

from portfolio.audit.models import AuditEntry
from portfolio.db import session
from portfolio.localtime import local_today
from portfolio.notify.models import Notification, Reminder
from portfolio.projects.models import Plan
from portfolio.reporting.models import ReportStatus
from tests.factories import make_period, make_project, make_report, make_user
from tests.reporting.conftest import report_form


class Inbox:
    """An aiosmtpd handler keeping every message the server accepted."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, smtp_session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=default_policy))
        return "250 OK"


@pytest.fixture
def smtp():
    inbox = Inbox()
    with socket.socket() as probe:  # a free port: aiosmtpd checks its own server by connecting to it
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        controller.stop()


def _period():
    plan = session.scalar(select(Plan).order_by(Plan.id))
    return make_period(plan, f"{plan.end_year}Q4", deadline=local_today() + timedelta(days=5))


def _late_world(users):
    period = _period()
    make_project(name="温县湿地修复", counties=["温县"])
    make_project(name="孟州市污水厂", counties=["孟州市"])
    make_report(make_project(name="温县已报送", counties=["温县"]), period, ReportStatus.SUBMITTED)
    users["officer"].email = "officer@wenxian.example"
    session.commit()
    return period


def _unread(client) -> str:
    page = client.get("/home").get_data(as_text=True)
    start = page.find('class="unread-count"')
    return "" if start < 0 else page[start:].split(">", 1)[1].split("<", 1)[0]


def test_county_reminder_reaches_only_that_countys_officers(role_client, users):
    period = _late_world(users)
    planner, officer, other = role_client("planner"), role_client("officer"), role_client("other_officer")
    assert _unread(officer) == ""

    county = users["officer"].county_id
    response = planner.post(
        f"/reporting/periods/{period.id}/remind", data={"county_id": county, "message": "周五前报"}
    )
    assert response.status_code == 302
    assert "已催报：1 个未报送项目，通知 1 人" in planner.get(response.headers["Location"]).get_data(
        as_text=True
    )

    assert _unread(officer) == "1" and _unread(other) == ""
    notes = officer.get("/notifications").get_data(as_text=True)
    assert "温县湿地修复" in notes and "孟州市污水厂" not in notes and "周五前报" in notes

    history = planner.get(f"/reporting/reminders?period_id={period.id}").get_data(as_text=True)
    history = history[history.index("催报记录") :]
    assert "温县" in history and users["officer"].display_name in history and "周五前报" in history
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "reminder.send"))
    assert entry.user_id == users["planner"].id


def test_reminder_to_everyone_late_and_reading_clears_the_badge(role_client, users):
    period = _late_world(users)
    role_client("planner").post(f"/reporting/periods/{period.id}/remind", data={})
    reminder = session.scalar(select(Reminder))
    assert (reminder.project_count, reminder.recipient_count, reminder.county_id) == (2, 2, None)

    officer = role_client("officer")
    assert _unread(officer) == "1"
    note = session.scalar(select(Notification).where(Notification.user_id == users["officer"].id))
    opened = officer.post("/notifications/open", data={"notification_id": note.id})
    assert opened.headers["Location"] == "/home"
    assert _unread(officer) == ""


def test_someone_elses_notification_looks_absent(role_client, users):
    period = _late_world(users)
    role_client("planner").post(f"/reporting/periods/{period.id}/remind", data={})
    note = session.scalar(select(Notification).where(Notification.user_id == users["officer"].id))
    response = role_client("other_officer").post("/notifications/open", data={"notification_id": note.id})
    assert response.status_code == 404


def test_reminder_refusals_are_explained(role_client, users):
    period = _late_world(users)
    planner = role_client("planner")
    nobody = make_project(name="沁阳市项目", counties=["沁阳市"])
    session.commit()
    response = planner.post(
        f"/reporting/periods/{period.id}/remind",
        data={"county_id": nobody.locations[0].id},
        follow_redirects=True,
    )
    assert "没有对应的县区填报账号" in response.get_data(as_text=True)
    assert session.scalar(select(Reminder)) is None
    assert role_client("officer").post(f"/reporting/periods/{period.id}/remind", data={}).status_code == 403


def test_reminders_and_returned_reports_go_by_email_when_smtp_is_configured(app, role_client, users, smtp):
    inbox, port = smtp
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_SENDER="xmdd@jiaozuo.example")
    period = _late_world(users)
    role_client("planner").post(f"/reporting/periods/{period.id}/remind", data={"message": "请抓紧"})
    assert [m["To"] for m in inbox.messages] == ["officer@wenxian.example"]
    mail = inbox.messages[0]
    assert (
        "催报" in mail["Subject"] and "温县湿地修复" in mail.get_content() and "请抓紧" in mail.get_content()
    )
    assert session.scalar(select(Reminder)).email_count == 1

    report = make_report(
        make_project(name="温县退回测试", counties=["温县"]),
        period,
        ReportStatus.SUBMITTED,
        submitted_by_id=users["officer"].id,
    )
    session.commit()
    role_client("planner").post(
        f"/reporting/reports/{report.id}/return", data={"reason": "投资额有误", "version": 1}
    )
    assert "退回" in inbox.messages[-1]["Subject"] and "投资额有误" in inbox.messages[-1].get_content()


def test_no_mail_leaves_when_the_change_is_rolled_back(app, role_client, users, smtp):
    inbox, port = smtp
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    period = _late_world(users)
    period.deadline = local_today() - timedelta(days=1)  # locked: the reminder is refused
    session.commit()
    role_client("planner").post(f"/reporting/periods/{period.id}/remind", data={})
    assert inbox.messages == []


def test_planners_hear_of_submissions(role_client, users):
    period = _period()
    project = make_project(name="温县提交测试", counties=["温县"])
    spare = make_user("planner2", "planner")
    session.commit()
    officer = role_client("officer")
    form = report_form(send="报送")
    response = officer.post(f"/reporting/periods/{period.id}/projects/{project.id}/report", data=form)
    assert response.status_code == 302
    titles = session.scalars(select(Notification.title).where(Notification.user_id == spare.id)).all()
    assert titles == [f"温县提交测试 {period.code} 进度报告待审核"]
    assert _unread(role_client("planner")) == "1"


def test_reminder_list_exports_to_xlsx(role_client, users):
    period = _late_world(users)
    response = role_client("planner").get(f"/exports/periods/{period.id}/reminders.xlsx")
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.data))
    every = [[c.value for c in row] for row in book["未报送项目"].iter_rows(min_row=5)]
    rows = every[: next(i for i, r in enumerate(every) if all(v is None for v in r))]  # up to the notes
    assert [r[1] for r in rows] == ["温县湿地修复", "孟州市污水厂"]
    assert rows[0][4] == "未填报"  # the five words of the report states (definitions: report_state)
    notes = [r[0] for r in every[len(rows) :] if r[0]]
    assert notes[0].startswith("本清单列出本期报告为未填报、草稿或已退回的项目")
    assert notes[1] == "口径说明：" and notes[2].startswith("报告状态：每个项目每期的进度报告处于五种状态")
    every = [[c.value for c in row] for row in book["按县区统计"].iter_rows(min_row=3)]
    counted = every[: next(i for i, r in enumerate(every) if all(v is None for v in r))]  # up to the notes
    assert {r[0]: r[1] for r in counted} == {"温县": 1, "孟州市": 1}
    notes = [r[0] for r in every[len(counted) :] if r[0]]
    assert notes[1] == "跨县区的项目在所涉每个县区各计一次。" and notes[2] == "口径说明："
