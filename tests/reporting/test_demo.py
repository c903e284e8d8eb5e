from pathlib import Path

from sqlalchemy import func, select

from portfolio.annex.services import import_annex
from portfolio.audit.models import AuditEntry
from portfolio.db import session
from portfolio.localtime import local_today
from portfolio.projects.models import Project
from portfolio.reporting.demo import seed_demo_reports
from portfolio.reporting.models import ReportStatus, StatusReport
from portfolio.reporting.periods import is_open
from portfolio.reporting.progress import default_as_of, progress_for
from portfolio.reporting.queries import list_reminders
from portfolio.reporting.selection import get_current_period
from portfolio.reporting.warnings import Level
from tests.reporting.conftest import first_plan


def _seed(app):
    plan = first_plan()
    path = Path(app.config["SEED_ANNEX"])
    import_annex(None, path.read_bytes(), path.name, plan)
    made = seed_demo_reports(plan)
    session.commit()
    return plan, made


def test_demo_shows_every_colour_and_an_open_period(app, users):
    plan, made = _seed(app)
    assert made > 86 * 3
    projects = session.scalars(select(Project).where(Project.plan_id == plan.id)).all()
    levels = {p.warning.level for p in progress_for(projects, default_as_of(plan)).values()}
    assert {Level.GREEN, Level.YELLOW, Level.RED} <= levels
    current = get_current_period(plan, local_today())
    assert current is not None and is_open(current, local_today()) and current.year in plan.years
    reminders = list_reminders(current)
    statuses = set(session.scalars(select(StatusReport.status).where(StatusReport.period_id == current.id)))
    assert (
        reminders.missing
        and ReportStatus.SUBMITTED in statuses
        and len(reminders.missing) < reminders.expected
    )
    assert seed_demo_reports(plan) == 0  # idempotent
    submitters = {
        (loc.name, r.submitted_by_id)
        for r in session.scalars(select(StatusReport).where(StatusReport.submitted_by_id.is_not(None)))
        for loc in r.project.locations
        if loc.name in ("温县", "孟州市")
    }
    assert submitters == {("温县", users["officer"].id), ("孟州市", users["other_officer"].id)}


def test_demo_is_deterministic(app, users):
    plan, _ = _seed(app)
    first = session.execute(
        select(StatusReport.project_id, StatusReport.period_id, StatusReport.percent_complete).order_by(
            StatusReport.id
        )
    ).all()
    session.execute(StatusReport.__table__.delete())
    from portfolio.reporting.models import ReportingPeriod

    session.execute(ReportingPeriod.__table__.delete())
    seed_demo_reports(plan)
    again = session.execute(
        select(StatusReport.project_id, StatusReport.percent_complete).order_by(StatusReport.id)
    ).all()
    assert [(a, c) for a, _, c in first] == [tuple(r) for r in again]


def test_demo_reports_carry_their_submissions_and_reviews(app, users, role_client):
    _seed(app)

    def entries(action):
        return dict(
            session.execute(
                select(AuditEntry.entity_id, func.count())
                .where(AuditEntry.entity_type == "StatusReport", AuditEntry.action == action)
                .group_by(AuditEntry.entity_id)
            ).all()
        )

    submits, approvals, returns = (
        entries("report.submit"),
        entries("report.approve"),
        entries("report.return"),
    )
    reports = session.scalars(select(StatusReport)).all()
    for r in reports:
        assert submits.get(r.id, 0) == (0 if r.status == ReportStatus.DRAFT else 1), r.status
        assert approvals.get(r.id, 0) == (r.status == ReportStatus.APPROVED)
        assert returns.get(r.id, 0) == (r.status == ReportStatus.RETURNED)
    approved = next(r for r in reports if r.status == ReportStatus.APPROVED)
    page = role_client("planner").get(f"/reporting/reports/{approved.id}").get_data(as_text=True)
    assert "第 1 次报送" in page and "尚未报送" not in page
