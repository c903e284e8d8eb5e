"""Demo evaluation data: the plan's indicators with three years of illustrative values, and a mid-term
round computed from the demo reports, with a few reviewers' comments and one override.

Values are illustrative (marked as such in their source), keyed by indicator number and by year of the plan
(0 = its first year), so nothing here names a calendar year. The round stays a draft so that a newcomer
logged in as the reviewer can confirm, override and finalize it.
"""

from decimal import Decimal

from sqlalchemy import select

from portfolio.auth.models import Role, User
from portfolio.db import session
from portfolio.evaluation.indicators import load_indicators
from portfolio.evaluation.models import EvaluationRound, Indicator, ProjectAssessment, ProjectClass
from portfolio.evaluation.services import (
    AssessmentData,
    create_round,
    default_rounds,
    record_indicator_value,
    save_assessment,
)
from portfolio.projects.models import Plan

SOURCE = "焦作市生态环境状况公报（演示数据）"
# indicator seq → values for the plan's first three years (numbers as text, or a qualitative statement)
VALUES: dict[int, tuple[str, str, str]] = {
    1: ("52", "50", "47"),
    2: ("58.1", "58.9", "58.6"),
    3: ("28.6", "30", "33.3"),
    4: ("全市国控断面无劣Ⅴ类水体", "全市国控断面无劣Ⅴ类水体", "已基本消除劣Ⅴ类水体"),
    6: ("排查县级城市黑臭水体 3 处，完成整治 1 处", "完成整治 2 处", "县级城市建成区黑臭水体已基本消除"),
    7: ("36.5", "39.2", "41"),
    13: (
        "生态经济增加值占比 29.8%",
        "占比 30.4%，较上年提高 0.6 个百分点",
        "占比 31.2%，较上年提高 0.8 个百分点",
    ),
    14: ("2100", "1950", "2050"),
    15: ("380", "350", "330"),
    16: ("1500", "1400", "1300"),
    17: ("40", "35", "30"),
    18: ("96.5", "97.2", "98"),
    19: ("未发生疑似污染地块开发利用环境事件", "未发生", "重点建设用地安全利用得到有效保障"),
    20: ("0", "0", "0"),
    21: ("97.5", "98.6", "99.1"),
    22: ("100", "100", "100"),
    23: ("35.1", "35.2", "35.3"),
    24: ("36288.22 公顷，未减少", "36288.22 公顷，未减少", "36288.22 公顷，未减少"),
    25: ("EQI 57.9，生态质量稳定", "EQI 58.3，稳中向好", "EQI 58.6，稳中向好"),
}
COMMENTS = {
    ProjectClass.LAGGING: [
        (None, 62, "落后序时进度较多，建议市生态环境局约谈牵头单位，制定赶工计划并按月报送。"),
        (None, 68, "资金到位不足是主因，建议积极争取中央和省级专项资金。"),
        (
            ProjectClass.ON_SCHEDULE,
            80,
            "现场核查：主体工程已按计划推进，进度报告滞后一期，同意调整为符合序时进度。",
        ),
    ],
    ProjectClass.NOT_STARTED: [(None, 40, "尚未开工，建议评估项目必要性，必要时按程序调出或调整实施年限。")],
    ProjectClass.ON_SCHEDULE: [(None, 88, "进展顺利，资料齐全。")],
}


def _values(plan: Plan, planner: User | None) -> int:
    indicators = {
        i.seq: i for i in session.scalars(select(Indicator).where(Indicator.plan_id == plan.id)).all()
    }
    count = 0
    for seq, texts in VALUES.items():
        if seq not in indicators:
            continue
        for offset, text in enumerate(texts):
            record_indicator_value(planner, indicators[seq], plan.year_at(offset), text, SOURCE, None)
            count += 1
    return count


def _comment(round_: EvaluationRound, reviewer: User | None) -> int:
    done = 0
    for klass, notes in COMMENTS.items():
        found = session.scalars(
            select(ProjectAssessment)
            .where(ProjectAssessment.round_id == round_.id, ProjectAssessment.computed_class == klass)
            .order_by(ProjectAssessment.project_id)
            .limit(len(notes))
        ).all()
        for a, (override, score, comment) in zip(found, notes, strict=False):
            reason = comment if override else None
            data = AssessmentData(override or a.final_class, reason, Decimal(score), comment, None)
            save_assessment(reviewer, a, data)
            done += 1
    return done


def seed_demo_evaluation(plan: Plan) -> list[str]:
    """Load the indicators, enter illustrative values and open the mid-term round; idempotent."""
    lines = []
    counts = load_indicators(plan)
    if counts["created"]:
        lines.append(f"已载入 {counts['created']} 项主要目标指标。")
    name, as_of = default_rounds(plan)[0]
    if session.scalar(select(EvaluationRound.id).where(EvaluationRound.plan_id == plan.id)):
        return lines
    planner = session.scalar(select(User).where(User.role == Role.PLANNER).order_by(User.id))
    reviewer = session.scalar(select(User).where(User.role == Role.REVIEWER).order_by(User.id))
    lines.append(f"已录入 {_values(plan, planner)} 条指标年度实际值（演示数据）。")
    round_ = create_round(planner, plan, name, as_of)
    lines.append(f"已创建“{name}”（截至 {as_of.isoformat()}），评审意见 {_comment(round_, reviewer)} 条。")
    return lines
