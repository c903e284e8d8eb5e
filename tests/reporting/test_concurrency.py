"""Many officers at once, and two editors of one report: nothing lost, nothing silently overwritten.

Runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL. Each thread has its own test client, so each
request gets its own app context, session and connection, as under a threaded server.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from portfolio.audit.models import AuditEntry
from portfolio.db import session
from portfolio.reporting.models import ReportStatus, StatusReport
from tests.factories import login_as, make_project, make_user
from tests.reporting.conftest import report_form

OFFICERS = 50


def _run_together(jobs):
    barrier = threading.Barrier(len(jobs))

    def run(job):
        barrier.wait()
        return job()

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return list(pool.map(run, jobs))


def test_fifty_officers_submit_at_once_and_every_report_is_stored(app, period):
    clients, urls = [], []
    for i in range(OFFICERS):
        unit_name = f"并发测试单位{i:02d}"
        officer = make_user(f"officer{i:02d}", "county_officer", unit_name=unit_name)
        project = make_project(name=f"并发项目{i:02d}", units=[unit_name])
        client = app.test_client()
        login_as(client, officer)
        clients.append(client)
        urls.append(f"/reporting/periods/{period.id}/projects/{project.id}/report")
    session.commit()
    session.close()

    def submit(i):
        return lambda: (
            clients[i].post(urls[i], data=report_form(invested_wan=str(i + 1), send="报送")).status_code
        )

    statuses = _run_together([submit(i) for i in range(OFFICERS)])
    assert statuses == [302] * OFFICERS
    stored = session.execute(
        select(func.count(StatusReport.id), func.sum(StatusReport.invested_wan)).where(
            StatusReport.status == ReportStatus.SUBMITTED
        )
    ).one()
    assert stored[0] == OFFICERS and int(stored[1]) == OFFICERS * (OFFICERS + 1) // 2
    submits = select(func.count(AuditEntry.id)).where(AuditEntry.action == "report.submit")
    assert session.scalar(submits) == OFFICERS


def test_two_editors_at_once_one_wins_the_other_sees_the_conflict(app, period, project, users):
    colleague = make_user("colleague", "county_officer", county="温县")
    session.commit()
    editors = [app.test_client(), app.test_client()]
    login_as(editors[0], users["officer"])
    login_as(editors[1], colleague)
    url = f"/reporting/periods/{period.id}/projects/{project.id}/report"
    assert editors[0].post(url, data=report_form(save="暂存")).status_code == 302
    version = session.scalar(select(StatusReport.version))
    session.close()

    def edit(client, amount):
        def go():
            response = client.post(url, data=report_form(version=version, invested_wan=amount, save="暂存"))
            return response.status_code, response.get_data(as_text=True)

        return go

    results = _run_together([edit(editors[0], "111"), edit(editors[1], "222")])
    codes = sorted(code for code, _ in results)
    assert codes == [302, 409]
    loser = next(text for code, text in results if code == 409)
    assert "已被他人修改" in loser and "您填写的 → 已保存的" in loser
    winner_amount = "111" if results[0][0] == 302 else "222"
    assert str(session.scalar(select(StatusReport.invested_wan)).normalize()) == winner_amount
    assert session.scalar(select(StatusReport.version)) == version + 1
