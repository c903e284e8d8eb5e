"""Reporting fixtures: an open period of the 14th plan and a project of the officer's county."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portfolio.db import session
from portfolio.localtime import local_today
from portfolio.projects.models import Plan
from portfolio.reporting.periods import open_period
from tests.factories import make_project


def first_plan() -> Plan:
    return session.scalar(select(Plan).order_by(Plan.id))


def make_period(planner, code: str | None = None, deadline: date | None = None, cadence: str = "quarter"):
    """A period of the first plan; by default its last quarter, open for another month from today."""
    plan = first_plan()
    code = code or (f"{plan.end_year}Q4" if cadence == "quarter" else f"{plan.end_year}-12")
    return open_period(planner, plan, code, deadline or local_today() + timedelta(days=30), cadence)


@pytest.fixture
def period(app, users):
    made = make_period(users["planner"])
    session.commit()
    return made


@pytest.fixture
def project(app, users):
    """A project of 温县 (the officer's county), planned over the plan's whole span."""
    plan = first_plan()
    made = make_project(
        name="温县污水处理厂提标改造",
        planned_start=date(plan.start_year, 1, 1),
        planned_end=date(plan.end_year, 12, 1),
        annual={y: 200 for y in plan.years},
    )
    session.commit()
    return made


def report_form(**overrides) -> dict:
    data = {
        "progress_text": "主体结构完成六成",
        "percent_complete": "60",
        "invested_wan": "120.5",
        "new_status": "",
        "problems": "征地进度偏慢",
        "next_steps": "完成设备安装",
        "coordination": "协调电力接入",
        "version": "",
    }
    data.update(overrides)
    return data
