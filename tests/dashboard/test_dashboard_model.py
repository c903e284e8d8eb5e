"""The dashboard's figures counted in SQL over the read model equal those grouped from live progress."""

from sqlalchemy import select

from portfolio.dashboard.filters import BoardFilters
from portfolio.dashboard.queries import (
    _figures,
    get_dashboard,
    list_plan_periods,
    scoped_locations,
)
from portfolio.db import session
from portfolio.projects.models import Plan
from portfolio.reporting.progress import anchor_period_id
from tests.exports.data import portfolio


def test_sql_figures_equal_python_figures(app, users):
    portfolio()
    session.commit()
    plan = session.scalar(select(Plan).order_by(Plan.id))
    compared = 0
    for user in (users["planner"], users["officer"]):
        for period in (None, *list_plan_periods(plan)):
            filters = BoardFilters.from_args({"period": str(period.id)} if period else {})
            board = get_dashboard(user, filters)
            anchor = anchor_period_id(plan.id, board.as_of)
            assert anchor is not None  # a period end: the SQL path drew the page
            locations = scoped_locations(user, filters)
            args = (user, filters, plan, locations, board.as_of, board.period)
            in_sql, in_python = _figures(*args, anchor), _figures(*args, None)
            assert in_sql == in_python
            assert in_sql["laggards"] == board.laggards
            compared += in_sql["total"].count
    assert compared > 0
