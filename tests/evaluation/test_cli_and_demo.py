from sqlalchemy import func, select

from portfolio.db import session
from portfolio.evaluation.demo import seed_demo_evaluation
from portfolio.evaluation.models import (
    EvaluationRound,
    Indicator,
    IndicatorValue,
    ProjectAssessment,
    RoundStatus,
)
from portfolio.projects.models import Plan
from tests.evaluation.fixtures import build_portfolio


def test_load_indicators_command_is_idempotent(runner):
    first = runner.invoke(args=["load-indicators"])
    assert first.exit_code == 0 and "新增 25" in first.output
    again = runner.invoke(args=["load-indicators"])
    assert again.exit_code == 0 and "新增 0" in again.output and "未变 25" in again.output
    assert session.scalar(select(func.count(Indicator.id))) == 25
    wrong = runner.invoke(args=["load-indicators", "--plan", "十五五"])
    assert wrong.exit_code != 0 and "未找到规划" in wrong.output


def test_demo_opens_a_mid_term_round_with_comments(app, users):
    plan = session.scalar(select(Plan).order_by(Plan.id))
    build_portfolio(plan)
    lines = seed_demo_evaluation(plan)
    session.commit()
    assert any("中期评估" in line for line in lines)
    round_ = session.scalar(select(EvaluationRound))
    assert round_.status == RoundStatus.DRAFT and round_.as_of.year == plan.start_year + 2
    assert session.scalar(select(func.count(IndicatorValue.id))) > 25
    assessments = session.scalars(select(ProjectAssessment)).all()
    assert sum(1 for a in assessments if a.comment) >= 3
    assert any(a.final_class != a.computed_class and a.override_reason for a in assessments)
    assert seed_demo_evaluation(plan) == []  # a second run adds nothing
    assert session.scalar(select(func.count(EvaluationRound.id))) == 1
