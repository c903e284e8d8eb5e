"""Migration 1303: a plan that held projects before plan adjustments arrived gets its baseline frozen at
the upgrade, row for row what the app itself would freeze, and later changes count against it."""

import importlib.util
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import delete, select

from portfolio.adjustments.models import AdjustmentKind, BaselineProject, PlanAdjustment, PlanBaseline
from portfolio.adjustments.queries import get_adjustment_report
from portfolio.adjustments.services import (
    AdjustmentNote,
    freeze_baseline,
    record_adjustments,
    snapshot_before,
)
from portfolio.adjustments.snapshot import snapshot_plan
from portfolio.db import session
from portfolio.projects.models import LifecycleStatus
from tests.factories import make_project

MIGRATION = (
    Path(__file__).resolve().parents[2] / "migrations" / "versions" / "1303_freeze_existing_baselines.py"
)


class _Op:
    """The one part of alembic.op the data migration uses."""

    def __init__(self, conn):
        self.conn = conn

    def get_bind(self):
        return self.conn


def _migration():
    spec = importlib.util.spec_from_file_location("freeze_existing_baselines", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.op = _Op(session.connection())
    return module


def _rows(plan_id: int) -> list[tuple]:
    stmt = (
        select(BaselineProject)
        .join(PlanBaseline)
        .where(PlanBaseline.plan_id == plan_id)
        .order_by(BaselineProject.project_id)
    )
    return [
        (
            r.project_id,
            r.name,
            r.content,
            r.start_year,
            r.end_year,
            r.total_investment_wan,
            r.span_investment_wan,
            r.annual,
            r.member,
        )
        for r in session.scalars(stmt)
    ]


@pytest.fixture
def existing(app):
    """A plan imported before 1302: projects, no baseline."""
    made = [
        make_project(name="已有项目甲", annual={2021: Decimal("100.5"), 2022: Decimal("200")}),
        make_project(name="已有项目乙", content="  ", total_investment_wan=Decimal("12.34567")),
        make_project(name="已调出项目", status=LifecycleStatus.WITHDRAWN),
    ]
    session.commit()
    return made


def test_it_freezes_what_the_app_would_and_nothing_shows_as_adjusted(existing):
    plan = existing[0].plan
    assert session.scalar(select(PlanBaseline).where(PlanBaseline.plan_id == plan.id)) is None
    _migration().upgrade()
    frozen = _rows(plan.id)
    assert len(frozen) == 3 and [r[-1] for r in frozen] == [True, True, False]
    report = get_adjustment_report(plan)
    assert report.rows == []
    assert report.baseline_totals == report.current_totals and report.current_totals.count == 2
    # The app's own freeze of the same plan gives the same rows.
    session.execute(delete(PlanBaseline).where(PlanBaseline.plan_id == plan.id))
    freeze_baseline(None, plan, snapshot_plan(plan.id))
    assert _rows(plan.id) == frozen


def test_it_runs_once_and_later_changes_count_against_it(existing):
    plan = existing[0].plan
    migration = _migration()
    migration.upgrade()
    migration.upgrade()
    assert session.query(PlanBaseline).count() == 1
    project = existing[0]
    before = snapshot_before(plan, [project.id])
    project.total_investment_wan = Decimal("5000")
    session.flush()
    record_adjustments(
        None, plan, before, AdjustmentNote("追加投资", "焦环〔2026〕1号"), project_ids=[project.id]
    )
    (row,) = get_adjustment_report(plan).rows
    assert row.kind == AdjustmentKind.CHANGED and row.fields == ["total_investment_wan"]
    assert row.baseline["total_investment_wan"] == "1000.0000"
    # Downgrade keeps a baseline that adjustments already count against.
    migration.downgrade()
    assert session.query(PlanBaseline).count() == 1


def test_downgrade_removes_an_unused_baseline_and_a_plan_without_projects_gets_none(existing):
    migration = _migration()
    migration.upgrade()
    migration.downgrade()
    assert session.query(PlanBaseline).count() == 0 and session.query(BaselineProject).count() == 0
    assert session.query(PlanAdjustment).count() == 0
    from portfolio.projects.models import Plan

    plans = session.scalars(select(Plan)).all()
    migration.upgrade()
    frozen = {b.plan_id for b in session.scalars(select(PlanBaseline))}
    assert frozen == {existing[0].plan_id} and len(plans) >= 1
