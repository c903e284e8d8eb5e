"""A closed plan's source list and its projects' planned breakdowns are read-only, like the rest of it."""

from sqlalchemy import select

from portfolio.db import session, utcnow
from portfolio.funding.models import ProjectFunding
from tests.factories import make_project
from tests.funding.helpers import amounts_form, sources
from tests.funding.test_sources import _body, _current


def _close(project) -> None:
    project.plan.closed_at = utcnow()
    session.commit()


def test_a_closed_plans_project_breakdown_is_refused_and_nothing_is_written(role_client):
    project = make_project()
    session.commit()
    client = role_client("planner")
    body = amounts_form({"银行贷款": "500"}, version=str(project.version))  # a form opened before closing
    _close(project)
    response = client.post(f"/projects/{project.id}/funding", data=body)
    assert response.status_code == 409 and "已关闭" in response.get_data(as_text=True)
    session.expire_all()
    assert session.scalars(select(ProjectFunding).where(ProjectFunding.project_id == project.id)).all() == []


def test_a_closed_plans_source_list_is_refused_and_nothing_is_written(role_client):
    project = make_project()
    session.commit()
    client = role_client("planner")
    rows = [*_current(), (None, "政策性开发性金融工具", "", False)]
    rows[0] = (rows[0][0], "改了名的来源", rows[0][2], False)
    _close(project)
    response = client.post("/funding/sources", data=_body(rows))
    assert response.status_code == 409 and "已关闭" in response.get_data(as_text=True)
    session.expire_all()
    names = set(sources())
    assert "政策性开发性金融工具" not in names and "改了名的来源" not in names
    assert len(names) == 8
