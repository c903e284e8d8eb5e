"""Evaluation rules: rounds and their lifecycle, reviewers' assessments, indicator values and targets."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from portfolio.audit.services import record
from portfolio.db import session, utcnow
from portfolio.errors import Conflict, DomainError
from portfolio.evaluation.indicators import parse_number, parse_target
from portfolio.evaluation.models import (
    EvaluationRound,
    Indicator,
    IndicatorValue,
    ProjectAssessment,
    ProjectClass,
    RoundStatus,
    TargetKind,
)
from portfolio.evaluation.queries import list_plan_projects
from portfolio.evaluation.snapshot import build_report, classify_all
from portfolio.projects.models import Plan

MID_TERM, FINAL = "中期评估", "终期评估"


class RoundFrozen(DomainError):
    status = 409


def default_rounds(plan: Plan) -> list[tuple[str, date]]:
    """The plan's two statutory rounds: mid-term at the end of its third year, final at its end."""
    return [(MID_TERM, plan.mid_term_date), (FINAL, plan.final_date)]


def _check_version(found: int, expected: int | None, what: str) -> None:
    if expected is not None and found != expected:
        raise Conflict(f"{what}已被他人修改，请刷新页面后重试。")


def _check_draft(round_: EvaluationRound) -> None:
    if round_.status == RoundStatus.FINALIZED:
        raise RoundFrozen(f"“{round_.name}”已定稿，只读；如需修改请由规划科重新开启。")


def create_round(actor, plan: Plan, name: str, as_of: date) -> EvaluationRound:
    """Open a round and compute every project's class as of its date."""
    name = (name or "").strip()
    if not name:
        raise DomainError("请填写评估轮次名称。")
    if not plan.starts_on <= as_of <= plan.latest_evaluation_date:
        raise DomainError(f"评估截止日应在规划期 {plan.years_label}内。")
    taken = select(EvaluationRound.id).where(EvaluationRound.plan_id == plan.id, EvaluationRound.name == name)
    if session.scalar(taken):
        raise DomainError(f"“{name}”已存在，请换一个名称。")
    round_ = EvaluationRound(plan_id=plan.id, plan=plan, name=name, as_of=as_of, status=RoundStatus.DRAFT)
    session.add(round_)
    session.flush()
    projects = list_plan_projects(plan)
    classes, _ = classify_all(plan, projects, as_of)
    for p in projects:
        klass = classes[p.id].klass
        session.add(
            ProjectAssessment(round_id=round_.id, project_id=p.id, computed_class=klass, final_class=klass)
        )
    session.flush()
    record(actor, "evaluation.create", round_, after={"name": name, "as_of": as_of.isoformat()})
    return round_


def refresh_round(actor, round_: EvaluationRound, version: int | None = None) -> dict[str, int]:
    """Recompute the classes of a draft round; reviewers' overrides stand, confirmations follow the data."""
    _check_draft(round_)
    _check_version(round_.version, version, "该评估轮次")
    plan = round_.plan
    projects = list_plan_projects(plan)
    classes, _ = classify_all(plan, projects, round_.as_of)
    existing = {
        a.project_id: a
        for a in session.scalars(select(ProjectAssessment).where(ProjectAssessment.round_id == round_.id))
    }
    counts = {"added": 0, "changed": 0}
    for p in projects:
        klass = classes[p.id].klass
        a = existing.get(p.id)
        if a is None:
            session.add(
                ProjectAssessment(
                    round_id=round_.id, project_id=p.id, computed_class=klass, final_class=klass
                )
            )
            counts["added"] += 1
        elif a.computed_class != klass:
            if not a.override_reason:
                a.final_class = klass
            a.computed_class = klass
            counts["changed"] += 1
    session.flush()
    record(actor, "evaluation.refresh", round_, after=counts, summary=f"重新计算“{round_.name}”项目分类")
    return counts


@dataclass
class AssessmentData:
    final_class: ProjectClass
    override_reason: str | None
    score: Decimal | None
    comment: str | None
    updated_at: str | None  # the form's copy of the row's updated_at: the optimistic lock


def save_assessment(actor, assessment: ProjectAssessment, data: AssessmentData) -> ProjectAssessment:
    """A reviewer confirms or overrides a project's class, with a score and a comment."""
    _check_draft(assessment.round)
    if data.updated_at is not None and data.updated_at != assessment.updated_at.isoformat():
        raise Conflict("该项目的评估意见已被他人修改，请刷新页面后重试。")
    reason = (data.override_reason or "").strip() or None
    if data.final_class != assessment.computed_class and not reason:
        raise DomainError(f"调整分类（系统计算为“{assessment.computed_class.label}”）必须填写调整理由。")
    if data.score is not None and not Decimal(0) <= data.score <= Decimal(100):
        raise DomainError("评分应在 0—100 之间。")
    before = _assessment_state(assessment)
    assessment.final_class = data.final_class
    assessment.override_reason = reason if data.final_class != assessment.computed_class else None
    assessment.score = data.score
    assessment.comment = (data.comment or "").strip() or None
    assessment.reviewer_id = getattr(actor, "id", None)
    assessment.updated_at = utcnow()
    session.flush()
    record(actor, "evaluation.assess", assessment, before=before, after=_assessment_state(assessment))
    return assessment


def _assessment_state(a: ProjectAssessment) -> dict:
    return {
        "final_class": a.final_class.value,
        "override_reason": a.override_reason,
        "score": None if a.score is None else str(a.score),
        "comment": a.comment,
    }


def finalize_round(actor, round_: EvaluationRound, version: int | None = None) -> EvaluationRound:
    """Sign the round: freeze its report as a snapshot that later data cannot change."""
    _check_draft(round_)
    _check_version(round_.version, version, "该评估轮次")
    snapshot = build_report(round_)
    now = utcnow()
    snapshot["finalized_by"] = getattr(actor, "display_name", None)
    snapshot["finalized_at"] = now.isoformat(timespec="seconds")
    round_.snapshot = snapshot
    round_.status = RoundStatus.FINALIZED
    round_.finalized_at = now
    round_.finalized_by_id = getattr(actor, "id", None)
    session.flush()
    record(actor, "evaluation.finalize", round_, after={"class_counts": snapshot["class_counts"]})
    return round_


def reopen_round(actor, round_: EvaluationRound, reason: str, version: int | None = None) -> EvaluationRound:
    """Reopen a finalized round for changes; the frozen snapshot goes into the audit log."""
    if round_.status != RoundStatus.FINALIZED:
        raise DomainError("该评估轮次尚未定稿，无需重新开启。")
    _check_version(round_.version, version, "该评估轮次")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("重新开启已定稿的评估必须填写理由。")
    before = {"finalized_at": round_.finalized_at.isoformat(), "snapshot": round_.snapshot}
    round_.status = RoundStatus.DRAFT
    round_.snapshot = None
    round_.finalized_at = None
    round_.finalized_by_id = None
    session.flush()
    record(actor, "evaluation.reopen", round_, before=before, after={"reason": reason}, summary=reason)
    return round_


def record_indicator_value(
    actor, indicator: Indicator, year: int, raw: str, source: str | None, note: str | None
) -> IndicatorValue:
    """Enter or correct an indicator's actual value for one year of the plan."""
    plan = indicator.plan
    if year not in plan.indicator_years:
        raise DomainError(f"年份应在 {plan.baseline_year}—{plan.end_year} 之间。")
    raw = (raw or "").strip()
    if not raw:
        raise DomainError("请填写实际值。")
    value = parse_number(raw.rstrip("%％"))
    if indicator.target_kind != TargetKind.QUALITATIVE and value is None:
        raise DomainError(f"“{indicator.name}”为定量指标，实际值应为数字，收到“{raw}”。")
    row = session.scalar(
        select(IndicatorValue).where(IndicatorValue.indicator_id == indicator.id, IndicatorValue.year == year)
    )
    before = None if row is None else {"value": row.value_text or str(row.value), "source": row.source}
    if row is None:
        row = IndicatorValue(indicator_id=indicator.id, year=year)
        session.add(row)
    row.value = value
    row.value_text = None if value is not None else raw[:100]
    row.source = (source or "").strip()[:200] or None
    row.note = (note or "").strip() or None
    row.entered_by_id = getattr(actor, "id", None)
    row.entered_at = utcnow()
    session.flush()
    record(
        actor,
        "indicator.value",
        indicator,
        before=before,
        after={"year": year, "value": raw, "source": row.source},
    )
    return row


SIGNS = {TargetKind.AT_MOST: "≤", TargetKind.AT_LEAST: "≥"}


def _with_direction(text: str, direction: str | None) -> str:
    """The target with its direction written in; a signed number must agree with the chosen direction."""
    parsed = parse_target(text, None)
    if parsed.value is None:
        raise DomainError(f"目标值应为数字，可带 ≤ / ≥，或以 [ ] 表示五年累计，收到“{text}”。")
    if parsed.kind == TargetKind.CUMULATIVE:
        return text
    chosen = TargetKind(direction) if direction else None
    signed = text[0] in "≤≥<>"
    if not signed and chosen is None:
        raise DomainError(
            "请选择目标方向：“不高于”（如用水总量上限）或“不低于”（如降低率），或在数字前写 ≤ / ≥。"
        )
    if signed and chosen is not None and chosen != parsed.kind:
        raise DomainError(f"目标值“{text}”与所选方向“{chosen.label}”不一致，请核对。")
    return text if signed else f"{SIGNS[chosen]}{text}"


def set_provincial_target(actor, indicator: Indicator, text: str, direction: str | None = None) -> Indicator:
    """Enter the target the province handed down: "≥18", "[5000]", or 5.2 with the direction 不高于."""
    if indicator.target_kind != TargetKind.PROVINCIAL:
        raise DomainError("只有“按省下达目标”的指标可以补录目标值。")
    text = _with_direction((text or "").strip().replace(" ", ""), direction)
    parsed = parse_target(text, indicator.baseline_value)
    before = {"target_text": indicator.target_text}
    indicator.target_text = text
    indicator.target_value = parsed.value
    session.flush()
    record(actor, "indicator.target", indicator, before=before, after={"target_text": text})
    return indicator
