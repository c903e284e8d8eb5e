"""Classifying a major project as of an evaluation date, from approved progress and its milestones.

The rule is portfolio.definitions.evaluation.PROJECT_CLASS (shown on the round page as CLASS_RULE):
the status in force at the date (not today's), then completion, then "started", then evidence, then
the schedule. Projects past their planned end say how long past it they are.
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from portfolio.definitions import notes_for
from portfolio.definitions.schedule import is_started, past_end_words, past_planned_end
from portfolio.evaluation.indicator_assessment import fmt
from portfolio.evaluation.models import ProjectClass
from portfolio.projects.models import LifecycleStatus, Milestone, MilestoneKind, MilestoneStatus, Project
from portfolio.reporting.progress import ProjectProgress
from portfolio.reporting.warnings import Level, months_between

CLASS_RULE = "".join(
    f"{d.name}：{d.rule}" for d in notes_for("project_class", "started", "behind_time", "expected_pct")
)
STARTED_KINDS = {MilestoneKind.GROUNDBREAKING, MilestoneKind.MAIN_WORKS}
FINISHED_KINDS = {MilestoneKind.ACCEPTANCE, MilestoneKind.OPERATION}


@dataclass(frozen=True)
class Classification:
    klass: ProjectClass
    reason: str
    expected_pct: Decimal | None = None
    actual_pct: Decimal | None = None
    behind_points: Decimal | None = None
    behind_months: int | None = None
    done_on: date | None = None


def _ym(d: date) -> str:
    return f"{d.year}年{d.month}月"


def _done_by(m: Milestone, as_of: date) -> bool:
    return m.actual_date is not None and m.actual_date <= as_of


def _overdue(milestones: list[Milestone], as_of: date) -> list[Milestone]:
    return [
        m
        for m in milestones
        if m.planned_date is not None
        and m.planned_date <= as_of
        and not _done_by(m, as_of)
        and not (m.actual_date is None and m.status == MilestoneStatus.DONE)
    ]


def classify_project(
    project: Project,
    progress: ProjectProgress,
    first_full_on: date | None,
    as_of: date,
    status: LifecycleStatus | None = None,
) -> Classification:
    """The computed class of one project as of a date, given the status in force then (default: today's)."""
    status = status or project.status
    if status in (LifecycleStatus.WITHDRAWN, LifecycleStatus.CANCELLED):
        klass = ProjectClass.WITHDRAWN if status == LifecycleStatus.WITHDRAWN else ProjectClass.CANCELLED
        return Classification(klass, f"截至评估截止日项目状态为{status.label}，单独列示，不计入完成率")
    milestones = list(project.milestones)
    finished = [m.actual_date for m in milestones if m.kind in FINISHED_KINDS and _done_by(m, as_of)]
    done_on = min([d for d in [*finished, first_full_on] if d is not None], default=None)
    if done_on is not None or status == LifecycleStatus.COMPLETED:
        return _completed(project, done_on)
    invested = progress.cumulative_invested_wan + (project.pre_tracking_invested_wan or 0)
    begun = any(m.kind in STARTED_KINDS and _done_by(m, as_of) for m in milestones)
    if not is_started(progress.percent_complete, invested, begun):
        return _not_started(project, as_of)
    return _in_progress(project, progress, _overdue(milestones, as_of), as_of)


def _completed(project: Project, done_on: date | None) -> Classification:
    if done_on is None:
        return Classification(
            ProjectClass.COMPLETED, "项目状态为已竣工（无完成日期记录）", actual_pct=Decimal(100)
        )
    end = project.planned_end
    if end is not None and months_between(done_on, end) > 0:
        early = months_between(done_on, end)
        reason = f"{_ym(done_on)}完成，早于计划完工时间 {_ym(end)} {early} 个月"
        return Classification(ProjectClass.COMPLETED_EARLY, reason, actual_pct=Decimal(100), done_on=done_on)
    reason = f"{_ym(done_on)}完成" + (f"，计划完工 {_ym(end)}" if end else "")
    return Classification(ProjectClass.COMPLETED, reason, actual_pct=Decimal(100), done_on=done_on)


def _not_started(project: Project, as_of: date) -> Classification:
    start = project.planned_start
    if start is None:
        return Classification(ProjectClass.NOT_STARTED, "尚无开工记录，未设计划开工时间")
    if start > as_of:
        return Classification(ProjectClass.NOT_STARTED, f"计划 {_ym(start)} 开工，截止日尚未到开工时间")
    late = months_between(start, as_of)
    reason = f"计划 {_ym(start)} 开工，截至 {_ym(as_of)} 逾期 {late} 个月未开工"
    return Classification(ProjectClass.NOT_STARTED, reason, behind_months=late)


def _behind_months(project: Project, points: Decimal | None) -> int | None:
    """Points behind, turned into months of the planned duration (only before the planned end)."""
    if points is None or project.planned_start is None or project.planned_end is None:
        return None
    total = months_between(project.planned_start, project.planned_end) + 1
    return int((points / 100 * total).to_integral_value(rounding=ROUND_HALF_UP))


def _schedule_words(w) -> str:
    return f"序时进度 {fmt(w.expected_pct)}%，实际 {fmt(w.actual_pct)}%"


def _in_progress(
    project: Project, progress: ProjectProgress, overdue: list[Milestone], as_of: date
) -> Classification:
    w = progress.warning
    base = {"expected_pct": w.expected_pct, "actual_pct": w.actual_pct, "behind_points": w.behind_points}
    end = project.planned_end
    past = past_planned_end(end, as_of)
    if past is not None:
        done = f"实际完成 {fmt(w.actual_pct)}%" if w.actual_pct is not None else "尚无审核通过的完成比例"
        reason = f"计划 {_ym(end)} 完工，截至 {as_of.isoformat()} {past_end_words(end, as_of)}，{done}"
        return Classification(ProjectClass.LAGGING, reason, behind_months=past[0], **base)
    months = _behind_months(project, w.behind_points)
    if w.level in (Level.RED, Level.YELLOW):
        reason = f"{_schedule_words(w)}，落后 {fmt(w.behind_points)} 个百分点"
        if months:
            reason += f"（按计划工期折算约 {months} 个月）"
        return Classification(ProjectClass.LAGGING, reason, behind_months=months, **base)
    if overdue:
        first = min(overdue, key=lambda m: m.planned_date)
        late = months_between(first.planned_date, as_of)
        title = first.title or first.kind.label
        reason = f"里程碑“{title}”计划 {_ym(first.planned_date)} 完成，截止日逾期 {late} 个月未完成"
        return Classification(ProjectClass.LAGGING, reason, behind_months=late, **base)
    if w.level == Level.UNREPORTED:
        expected = f"，按计划此时应完成约 {fmt(w.expected_pct)}%" if w.expected_pct is not None else ""
        reason = f"已开工，但截至评估截止日没有审核通过的进度报告，无法判断进度{expected}"
        return Classification(ProjectClass.MANUAL, reason, **base)
    if w.expected_pct is None:
        return Classification(
            ProjectClass.ON_SCHEDULE, f"实际完成 {fmt(w.actual_pct)}%；未设计划起止时间", **base
        )
    return Classification(ProjectClass.ON_SCHEDULE, _schedule_words(w), **base)
