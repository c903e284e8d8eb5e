"""Classifying a major project as of an evaluation date, from approved progress and its milestones.

The rule (shown on the round page as CLASS_RULE), first match wins:
1. 调出 / 取消: the project's status says so.
2. 已完成 / 提前完成: an approved report at 100 % or a done acceptance / operation milestone by the date
   (or the status 已竣工); 提前完成 when that month is before the planned completion month.
3. 未启动: no approved progress above 0 %, no approved investment and no done groundbreaking or works
   milestone by the date.
4. 滞后: behind the pro-rata schedule by at least the yellow warning threshold (the same warning the
   project list shows), past the planned completion month, or a milestone overdue at the date.
5. 符合序时进度: everything else.
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from portfolio.evaluation.indicator_assessment import fmt
from portfolio.evaluation.models import ProjectClass
from portfolio.projects.models import LifecycleStatus, Milestone, MilestoneKind, MilestoneStatus, Project
from portfolio.reporting.progress import ProjectProgress
from portfolio.reporting.warnings import Level, months_between

CLASS_RULE = (
    "项目分类按评估截止日计算，只采用审核通过的进度报告和里程碑："
    "① 项目状态为调出、取消的，分别归入调出、取消；"
    "② 截止日前已有 100% 完成的审核报告、竣工验收或投入运行里程碑（或项目状态为已竣工）的为已完成，"
    "完成月份早于计划完工月份的为提前完成；③ 完成比例为 0、无投资完成且无开工里程碑的为未启动；"
    "④ 落后序时进度达到黄色预警阈值、超过计划完工时间仍未完成或有逾期未完成里程碑的为滞后；"
    "⑤ 其余为符合序时进度。"
    "序时进度 = 计划开工月至截止月已过月数 ÷ 计划工期月数。"
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
    project: Project, progress: ProjectProgress, first_full_on: date | None, as_of: date
) -> Classification:
    """The computed class of one project as of a date (see the module docstring)."""
    if project.status in (LifecycleStatus.WITHDRAWN, LifecycleStatus.CANCELLED):
        klass = (
            ProjectClass.WITHDRAWN if project.status == LifecycleStatus.WITHDRAWN else ProjectClass.CANCELLED
        )
        return Classification(klass, f"项目状态为{project.status.label}")
    milestones = list(project.milestones)
    finished = [m.actual_date for m in milestones if m.kind in FINISHED_KINDS and _done_by(m, as_of)]
    done_on = min([d for d in [*finished, first_full_on] if d is not None], default=None)
    if done_on is not None or project.status == LifecycleStatus.COMPLETED:
        return _completed(project, done_on)
    pct = progress.percent_complete
    started = (
        (pct is not None and pct > 0)
        or progress.cumulative_invested_wan > 0
        or any(m.kind in STARTED_KINDS and _done_by(m, as_of) for m in milestones)
    )
    if not started:
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
    """Points behind, turned into months of the planned duration."""
    if points is None or project.planned_start is None or project.planned_end is None:
        return None
    total = months_between(project.planned_start, project.planned_end) + 1
    return int((points / 100 * total).to_integral_value(rounding=ROUND_HALF_UP))


def _in_progress(
    project: Project, progress: ProjectProgress, overdue: list[Milestone], as_of: date
) -> Classification:
    w = progress.warning
    base = {"expected_pct": w.expected_pct, "actual_pct": w.actual_pct, "behind_points": w.behind_points}
    months = _behind_months(project, w.behind_points)
    if w.level in (Level.RED, Level.YELLOW):
        reason = f"序时进度 {fmt(w.expected_pct)}%，实际 {fmt(w.actual_pct)}%"
        reason += f"，落后 {fmt(w.behind_points)} 个百分点"
        if months:
            reason += f"（约 {months} 个月）"
        return Classification(ProjectClass.LAGGING, reason, behind_months=months, **base)
    end = project.planned_end
    if end is not None and months_between(end, as_of) > 0:
        late = months_between(end, as_of)
        reason = f"计划 {_ym(end)} 完工，已超期 {late} 个月，实际完成 {fmt(w.actual_pct or 0)}%"
        return Classification(ProjectClass.LAGGING, reason, behind_months=late, **base)
    if overdue:
        first = min(overdue, key=lambda m: m.planned_date)
        late = months_between(first.planned_date, as_of)
        title = first.title or first.kind.label
        reason = f"里程碑“{title}”计划 {_ym(first.planned_date)} 完成，截止日逾期 {late} 个月未完成"
        return Classification(ProjectClass.LAGGING, reason, behind_months=late, **base)
    if w.level == Level.UNREPORTED:
        return Classification(
            ProjectClass.ON_SCHEDULE, "已开工，尚无审核通过的完成比例；里程碑无逾期", **base
        )
    if w.expected_pct is None:
        return Classification(
            ProjectClass.ON_SCHEDULE, f"实际完成 {fmt(w.actual_pct)}%；未设计划起止时间", **base
        )
    reason = f"序时进度 {fmt(w.expected_pct)}%，实际 {fmt(w.actual_pct)}%"
    return Classification(ProjectClass.ON_SCHEDULE, reason, **base)
