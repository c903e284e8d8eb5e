"""Reporting list pages run a fixed number of statements however many projects and reports there are."""

from portfolio.db import session
from portfolio.projects.models import Milestone, MilestoneKind
from tests.factories import make_project
from tests.querycount import statements_for
from tests.reporting.conftest import report_form


def _add_reported_projects(n, period, officer):
    projects = [
        make_project(counties=["温县", "武陟县"], units=["温县人民政府", "武陟县水利局"]) for _ in range(n)
    ]
    for p in projects:
        p.milestones = [Milestone(kind=MilestoneKind.GROUNDBREAKING)]
    session.commit()
    for p in projects[::2]:
        officer.post(f"/reporting/periods/{period.id}/projects/{p.id}/report", data=report_form(send="报送"))


def test_list_pages_do_not_grow_with_projects(app, period, role_client):
    planner, officer = role_client("planner"), role_client("officer")
    urls = ["/reporting/periods", f"/reporting/periods/{period.id}", "/reporting/reminders"]
    _add_reported_projects(4, period, officer)
    small = {url: statements_for(planner, url) for url in urls}
    small_officer = statements_for(officer, f"/reporting/periods/{period.id}")
    _add_reported_projects(40, period, officer)
    large = {url: statements_for(planner, url) for url in urls}
    # The period page afresh: period, counts per state, ids, rows, their counties and units, progress, the
    # filter options (the list's three, remembered together), and the data version that the remembered
    # reads (thresholds, the judged date) are checked against. Read again, most of it is remembered.
    assert large == small and max(small.values()) <= 17
    statements_for(planner, urls[1])
    assert statements_for(planner, urls[1], remembered=True) <= 4
    assert statements_for(officer, f"/reporting/periods/{period.id}") == small_officer
