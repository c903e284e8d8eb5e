from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from portfolio.audit.models import AuditEntry
from portfolio.db import session
from portfolio.errors import Conflict, DomainError
from portfolio.evaluation.indicators import load_indicators
from portfolio.evaluation.models import Indicator, ProjectAssessment, ProjectClass, RoundStatus
from portfolio.evaluation.services import (
    AssessmentData,
    create_round,
    default_rounds,
    finalize_round,
    record_indicator_value,
    refresh_round,
    reopen_round,
    save_assessment,
)
from portfolio.evaluation.snapshot import build_report, report_data
from portfolio.projects.models import Plan
from tests.evaluation.fixtures import build_portfolio, period, report


@pytest.fixture
def setup(app, users):
    plan = session.scalar(select(Plan).order_by(Plan.id))
    load_indicators(plan)
    projects = build_portfolio(plan)
    record_indicator_value(users["planner"], _ind(plan, 1), plan.start_year + 2, "47", "公报", None)
    round_ = create_round(users["planner"], plan, *default_rounds(plan)[0])
    session.commit()
    return plan, projects, round_


def _ind(plan, seq):
    return session.scalar(select(Indicator).where(Indicator.plan_id == plan.id, Indicator.seq == seq))


def _assessment(round_, project) -> ProjectAssessment:
    return session.scalar(
        select(ProjectAssessment).where(
            ProjectAssessment.round_id == round_.id, ProjectAssessment.project_id == project.id
        )
    )


def _data(a, klass, reason=None, score=None, comment=None, stamp=True):
    token = a.updated_at.isoformat() if stamp else None
    return AssessmentData(klass, reason, score, comment, token)


def test_round_names_are_unique_and_dates_in_the_plan(setup, users):
    plan, _, round_ = setup
    with pytest.raises(DomainError, match="已存在"):
        create_round(users["planner"], plan, round_.name, round_.as_of)
    with pytest.raises(DomainError, match="规划期"):
        create_round(users["planner"], plan, "过早", round_.as_of.replace(year=plan.start_year - 2))


def test_override_needs_a_reason_and_a_fresh_form(setup, users):
    _, projects, round_ = setup
    a = _assessment(round_, projects["E"])
    with pytest.raises(DomainError, match="必须填写调整理由"):
        save_assessment(users["reviewer"], a, _data(a, ProjectClass.ON_SCHEDULE))
    stale = _data(a, ProjectClass.LAGGING, score=Decimal(60))
    save_assessment(
        users["reviewer"], a, _data(a, ProjectClass.ON_SCHEDULE, "征地已于次月完成", Decimal(85), "同意")
    )
    session.commit()
    assert (a.final_class, a.computed_class) == (ProjectClass.ON_SCHEDULE, ProjectClass.LAGGING)
    assert a.reviewer_id == users["reviewer"].id
    stale.updated_at = (a.updated_at - timedelta(seconds=5)).isoformat()
    with pytest.raises(Conflict):
        save_assessment(users["reviewer"], a, stale)
    with pytest.raises(DomainError, match="0—100"):
        save_assessment(users["reviewer"], a, _data(a, ProjectClass.LAGGING, score=Decimal(101)))


def test_refresh_keeps_overrides_and_follows_confirmations(setup, users):
    plan, projects, round_ = setup
    g, m = _assessment(round_, projects["G"]), _assessment(round_, projects["M"])
    save_assessment(users["reviewer"], g, _data(g, ProjectClass.LAGGING, "用地手续未批"))
    p3 = period(plan, plan.start_year + 2, 3)
    report(projects["G"], p3, "30", "100")  # G started after all: 30 % of an expected 29.4 %
    report(projects["M"], p3, "40", "100")  # M: 40 % of an expected 50 %
    counts = refresh_round(users["reviewer"], round_)
    assert counts == {"added": 0, "changed": 2}
    assert g.computed_class == ProjectClass.ON_SCHEDULE
    assert g.final_class == ProjectClass.LAGGING  # the reviewer's override stands
    assert m.computed_class == m.final_class == ProjectClass.LAGGING  # no override: follows the data


def test_a_finalized_round_is_frozen(setup, users):
    plan, projects, round_ = setup
    a = _assessment(round_, projects["E"])
    save_assessment(users["reviewer"], a, _data(a, ProjectClass.LAGGING, None, Decimal(60), "加快征地"))
    finalize_round(users["reviewer"], round_, round_.version)
    session.commit()
    frozen = report_data(round_)
    assert frozen["finalized_by"] == users["reviewer"].display_name
    # Later data: a late-approved report for the mid-term quarter, and a corrected indicator value.
    q4 = period(plan, plan.start_year + 2, 3)
    report(projects["G"], q4, "80", "800")
    record_indicator_value(users["planner"], _ind(plan, 1), plan.start_year + 2, "50", "更正", None)
    session.commit()
    session.expire_all()
    assert report_data(round_) == frozen
    live = build_report(round_)
    g_live = next(r for r in live["projects"] if r["project_id"] == projects["G"].id)
    g_frozen = next(r for r in frozen["projects"] if r["project_id"] == projects["G"].id)
    assert (g_live["live_class"], g_frozen["live_class"]) == ("on_schedule", "not_started")
    assert (
        next(g for g in live["by_category"] if g["name"] == "合计")["cumulative_invested_wan"]
        != next(g for g in frozen["by_category"] if g["name"] == "合计")["cumulative_invested_wan"]
    )
    assert live["indicators"][0]["status"] == "lagging" and frozen["indicators"][0]["status"] == "on_track"
    with pytest.raises(DomainError, match="已定稿"):
        save_assessment(users["reviewer"], a, _data(a, ProjectClass.COMPLETED, "试图修改"))
    with pytest.raises(DomainError, match="已定稿"):
        refresh_round(users["reviewer"], round_)
    with pytest.raises(DomainError, match="已定稿"):
        finalize_round(users["reviewer"], round_)


def test_reopening_is_audited_and_needs_a_reason(setup, users):
    _, _, round_ = setup
    with pytest.raises(DomainError, match="尚未定稿"):
        reopen_round(users["planner"], round_, "理由")
    finalize_round(users["reviewer"], round_)
    session.flush()
    with pytest.raises(Conflict):
        reopen_round(users["planner"], round_, "理由", version=round_.version - 1)
    with pytest.raises(DomainError, match="理由"):
        reopen_round(users["planner"], round_, "  ")
    reopen_round(users["planner"], round_, "省厅要求补充终期口径", round_.version)
    session.commit()
    assert round_.status == RoundStatus.DRAFT and round_.snapshot is None
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "evaluation.reopen"))
    assert entry.user_id == users["planner"].id and entry.summary == "省厅要求补充终期口径"
    assert entry.before["snapshot"]["round"]["name"] == round_.name
