"""Reviewers' verdicts on qualitative indicators: a conclusion with its reason, per round, frozen with it."""

from sqlalchemy import select

from portfolio.audit.services import record
from portfolio.db import session
from portfolio.errors import DomainError
from portfolio.evaluation.indicator_assessment import IndicatorStatus, effective_kind
from portfolio.evaluation.models import EvaluationRound, Indicator, IndicatorVerdict, RoundStatus, TargetKind

CHOICES = (IndicatorStatus.ACHIEVED, IndicatorStatus.ON_TRACK, IndicatorStatus.LAGGING)
FINAL_CHOICES = (IndicatorStatus.DONE, IndicatorStatus.NOT_DONE)


def verdict_choices(round_: EvaluationRound) -> tuple[IndicatorStatus, ...]:
    """The final round judges 完成 / 未完成; earlier rounds judge progress."""
    return FINAL_CHOICES if round_.as_of.year >= round_.plan.end_year else CHOICES


def save_indicator_verdict(
    actor, round_: EvaluationRound, indicator: Indicator, verdict: str, reason: str
) -> IndicatorVerdict:
    """A reviewer's verdict with its reason on a qualitative indicator in a draft round; audited."""
    if round_.status == RoundStatus.FINALIZED:
        raise DomainError("该评估轮次已定稿，结论已冻结，不能再修改。")
    if indicator.plan_id != round_.plan_id or effective_kind(indicator) != TargetKind.QUALITATIVE:
        raise DomainError("只有本规划的定性指标需要评审人员给出结论。")
    allowed = {s.value: s for s in verdict_choices(round_)}
    if verdict not in allowed:
        raise DomainError(f"请从以下结论中选择：{'、'.join(s.label for s in allowed.values())}。")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请写明给出该结论的理由。")
    found = session.scalar(
        select(IndicatorVerdict).where(
            IndicatorVerdict.round_id == round_.id, IndicatorVerdict.indicator_id == indicator.id
        )
    )
    before = (
        {"结论": allowed[found.verdict].label, "理由": found.reason}
        if found and found.verdict in allowed
        else None
    )
    if found is None:
        found = IndicatorVerdict(round_id=round_.id, indicator_id=indicator.id)
        session.add(found)
    found.verdict, found.reason, found.reviewer_id = verdict, reason, getattr(actor, "id", None)
    session.flush()
    after = {"结论": allowed[verdict].label, "理由": reason}
    record(
        actor,
        "indicator.verdict",
        indicator,
        before=before,
        after=after,
        summary=f"定性指标评审结论：{indicator.name}",
    )
    return found


def list_verdicts(round_: EvaluationRound) -> dict[int, IndicatorVerdict]:
    """indicator_id → the round's verdict on it."""
    stmt = select(IndicatorVerdict).where(IndicatorVerdict.round_id == round_.id)
    return {v.indicator_id: v for v in session.scalars(stmt)}
