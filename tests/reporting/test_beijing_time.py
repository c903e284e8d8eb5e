"""Beijing time: deadlines are local dates, and every page shows stored UTC times in Asia/Shanghai."""

from datetime import date, datetime

import pytest
from sqlalchemy import select

from portfolio import db
from portfolio.audit.models import AuditEntry
from portfolio.db import session
from portfolio.localtime import format_local, local_day_start, local_today
from portfolio.reporting.models import StatusReport
from tests.reporting.conftest import make_period, report_form

DEADLINE = date(2026, 1, 10)


def _at_utc(monkeypatch, *parts) -> None:
    monkeypatch.setattr(db, "utcnow", lambda: datetime(*parts))


@pytest.mark.parametrize(
    ("utc", "local_day"),
    [
        ((2026, 1, 9, 15, 59), date(2026, 1, 9)),  # 23:59 Beijing the day before
        ((2026, 1, 9, 16, 0), date(2026, 1, 10)),  # midnight Beijing: already the deadline day
        ((2026, 1, 10, 15, 59), date(2026, 1, 10)),  # 23:59 Beijing on the deadline day
        ((2026, 1, 10, 16, 0), date(2026, 1, 11)),  # 00:00 Beijing the next day, though UTC is still the 10th
    ],
)
def test_today_is_the_beijing_date(app, monkeypatch, utc, local_day):
    _at_utc(monkeypatch, *utc)
    assert local_today() == local_day


@pytest.mark.parametrize(
    ("utc", "accepted"),
    [
        ((2026, 1, 9, 16, 30), True),  # 00:30 Beijing on the deadline day
        ((2026, 1, 10, 15, 59), True),  # 23:59 Beijing on the deadline day
        ((2026, 1, 10, 16, 1), False),  # 00:01 Beijing the day after; UTC still says the 10th
        ((2026, 1, 10, 23, 0), False),
    ],
)
def test_a_period_is_open_until_2359_beijing_on_its_deadline(
    app, users, project, role_client, monkeypatch, utc, accepted
):
    period = make_period(users["planner"], deadline=DEADLINE)
    session.commit()
    _at_utc(monkeypatch, *utc)
    url = f"/reporting/periods/{period.id}/projects/{project.id}/report"
    response = role_client("officer").post(url, data=report_form(save="暂存"))
    session.expire_all()
    saved = session.scalar(select(StatusReport).where(StatusReport.period_id == period.id))
    assert (saved is not None) is accepted
    if not accepted:
        assert "已锁定" in response.get_data(as_text=True)


def test_pages_show_beijing_time_without_a_zone_label(app, users, role_client):
    entry = session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()))
    entry = entry or AuditEntry(action="user.create", entity_type="user", entity_id=1)
    entry.at = datetime(2025, 3, 31, 16, 30)  # 00:30 on 1 April in Beijing
    session.add(entry)
    session.commit()
    admin = role_client("admin")
    page = admin.get("/audit").get_data(as_text=True)
    assert "2025-04-01 00:30" in page and "2025-03-31 16:30" not in page
    for url in ("/audit", "/users", f"/users/{users['officer'].id}/edit"):
        assert "UTC" not in admin.get(url).get_data(as_text=True), url


def test_audit_filter_takes_local_dates(app, users, role_client):
    session.add(
        AuditEntry(action="user.create", entity_type="user", entity_id=1, at=datetime(2025, 3, 31, 16, 30))
    )
    session.commit()
    admin = role_client("admin")
    on_first = admin.get("/audit?date_from=2025-04-01&date_to=2025-04-01").get_data(as_text=True)
    on_last = admin.get("/audit?date_from=2025-03-31&date_to=2025-03-31").get_data(as_text=True)
    assert "2025-04-01 00:30" in on_first and "2025-04-01 00:30" not in on_last


def test_zone_is_configurable_and_iso_text_converts():
    assert format_local("2025-03-31T16:30:00") == "2025-04-01 00:30"
    assert format_local(None) == "—"
    assert local_day_start(date(2025, 4, 1)) == datetime(2025, 3, 31, 16, 0)


def test_another_zone_from_the_environment(app):
    from portfolio.localtime import zone_from_name

    app.extensions["local_zone"] = zone_from_name("Europe/London")
    assert format_local(datetime(2025, 7, 1, 12, 0)) == "2025-07-01 13:00"
    with pytest.raises(RuntimeError, match="PORTFOLIO_TIMEZONE"):
        zone_from_name("Mars/Olympus")
