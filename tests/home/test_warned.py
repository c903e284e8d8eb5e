"""The home pages' warned projects, picked in SQL from the read model: the same projects, counts and order
as judging every visible project one by one, within the user's scope and cut to the limit."""

import pytest
from sqlalchemy import select

from portfolio.db import session
from portfolio.home.queries import list_warned_projects
from portfolio.permissions import visible_projects
from portfolio.projects.models import Plan, Project
from portfolio.reporting.progress import anchor_period_id, default_as_of, progress_for
from portfolio.reporting.warnings import Level
from tests.exports.data import portfolio


@pytest.fixture
def data(app, users):
    made = portfolio()
    session.commit()
    return made


def _one_by_one(user, levels) -> list[tuple[int, Level, str]]:
    found = []
    for plan in session.scalars(select(Plan).order_by(Plan.start_year)):
        projects = session.scalars(
            select(Project)
            .where(Project.plan_id == plan.id, visible_projects(user))
            .order_by(Project.category_id, Project.seq_no, Project.id)
        ).all()
        progress = progress_for(projects, default_as_of(plan))
        found += [(p.id, progress[p.id].warning.level, progress[p.id].warning.reason) for p in projects]
    found = [f for f in found if f[1] in levels]
    return sorted(found, key=lambda f: levels.index(f[1]))


@pytest.mark.parametrize("who", ["planner", "officer", "other_officer"])
@pytest.mark.parametrize("levels", [(Level.RED,), (Level.RED, Level.YELLOW), (Level.YELLOW, Level.RED)])
def test_warned_projects_match_judging_each_project(users, data, who, levels):
    plan = data["a"].plan
    assert anchor_period_id(plan.id, default_as_of(plan)) is not None  # the read model answers
    expected = _one_by_one(users[who], levels)
    for limit in (1, 2, 20):
        shown, total = list_warned_projects(users[who], levels, limit)
        assert total == len(expected)
        assert [(w.project_id, w.level, w.reason) for w in shown] == expected[:limit]


def test_there_is_something_to_compare(users, data):
    assert _one_by_one(users["planner"], (Level.RED,)) and _one_by_one(
        users["officer"], (Level.RED, Level.YELLOW)
    )
