"""Status reports: save, submit, approve and return, with permission, lock, workflow and version checks."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from portfolio.audit.models import AuditEntry
from portfolio.audit.services import record
from portfolio.db import session, utcnow
from portfolio.errors import Conflict, DomainError
from portfolio.localtime import format_local, local_today
from portfolio.numbers import NumberProblem, check_money, check_percent
from portfolio.plans.state import ensure_plan_open
from portfolio.projects.models import LifecycleStatus, MilestoneKind, MilestoneStatus, Project
from portfolio.projects.status_history import change_status
from portfolio.reporting import attachments, milestones, notices
from portfolio.reporting.models import ReportingPeriod, ReportStatus, StatusReport
from portfolio.reporting.periods import is_open

EDITABLE = (ReportStatus.DRAFT, ReportStatus.RETURNED)

# (attribute, label): the fields a report holds, in form order; used for audit snapshots and conflicts.
FIELDS = [
    ("progress_text", "形象进度"),
    ("percent_complete", "完成百分比"),
    ("invested_wan", "本期完成投资（万元）"),
    ("new_status", "项目状态变更"),
    ("problems", "存在问题"),
    ("next_steps", "下步计划"),
    ("coordination", "需协调事项"),
    ("milestone_updates", "里程碑"),
]


@dataclass
class ReportInput:
    progress_text: str | None
    percent_complete: Decimal | None
    invested_wan: Decimal | None
    new_status: LifecycleStatus | None
    problems: str | None
    next_steps: str | None
    coordination: str | None
    milestone_updates: dict[int, tuple[date | None, MilestoneStatus]] | None = None
    # Standard milestones to add on approval, for a project that has none yet.
    new_milestones: dict[MilestoneKind, tuple[date | None, MilestoneStatus]] | None = None
    # (original file name, content) of attachments uploaded with this save.
    files: list[tuple[str, bytes]] = field(default_factory=list)


class ReportConflict(Conflict):
    """Someone saved the report after this user loaded it; `changes` lists (label, theirs, stored)."""

    def __init__(self, message: str, changes: list[tuple[str, str, str]], stored_version: int):
        super().__init__(message)
        self.changes = changes
        self.stored_version = stored_version


def _show(value) -> str:
    if value is None or value == "" or value == {}:
        return "（空）"
    if hasattr(value, "label"):
        return value.label
    if isinstance(value, dict):
        return f"{len(value)} 个节点"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return str(value)


def snapshot(report: StatusReport) -> dict:
    """The report's fields as plain JSON values, for the audit log."""
    values = {name: getattr(report, name) for name, _ in FIELDS}
    values["status"] = report.status
    return {k: (str(v) if isinstance(v, Decimal | date) else v) for k, v in values.items()}


def _require_open(period: ReportingPeriod, today: date | None) -> None:
    ensure_plan_open(period.plan)
    if not is_open(period, today or local_today()):
        raise DomainError(
            f"{period.code} 期间已锁定（截止日 {period.deadline.isoformat()}），不能再填报或报送；"
            "如需补报，请联系市级牵头部门重新开放该期间。"
        )


def _check_version(report: StatusReport, expected: int | None, data: ReportInput | None = None) -> None:
    """Refuse a stale form explicitly, before writing, listing what differs from the stored report."""
    if expected is not None and expected == report.version:
        return
    theirs = _as_values(data) if data is not None else {}
    changes = [
        (label, _show(theirs[name]), _show(getattr(report, name)))
        for name, label in FIELDS
        if name in theirs and _norm(theirs[name]) != _norm(getattr(report, name))
    ]
    last = session.scalar(
        select(AuditEntry)
        .where(AuditEntry.entity_type == "StatusReport", AuditEntry.entity_id == report.id)
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )
    by = (
        f"（最近一次由 {last.user.display_name} 于 {format_local(last.at)} 保存）"
        if last and last.user
        else ""
    )
    raise ReportConflict(
        f"保存失败：{report.project.name} {report.period.code} 的报告在您打开之后已被他人修改{by}，"
        f"您的表单基于第 {expected or 0} 版，已保存的是第 {report.version} 版。"
        "请核对下列差异（您填写的 → 已保存的）后再决定是否保存。",
        changes,
        report.version,
    )


def _norm(value):
    if isinstance(value, Decimal):
        return value.normalize()
    return value if value not in ("", {}) else None


def _as_values(data: ReportInput) -> dict:
    values = {name: getattr(data, name) for name, _ in FIELDS if name != "milestone_updates"}
    values["milestone_updates"] = milestones.encode(data.milestone_updates, data.new_milestones)
    return values


def _clean(text: str | None) -> str | None:
    text = (text or "").strip()
    return text or None


def _validate(project: Project, data: ReportInput) -> None:
    try:
        check_percent(data.percent_complete, "完成百分比")
        check_money(data.invested_wan, "本期完成投资")
    except NumberProblem as bad:
        raise DomainError(bad.message) from bad
    milestones.validate(project, data.milestone_updates, data.new_milestones)
    for name, content in data.files:
        attachments.check(name, content)


def _assign(report: StatusReport, data: ReportInput) -> None:
    for name in ("progress_text", "problems", "next_steps", "coordination"):
        setattr(report, name, _clean(getattr(data, name)))
    report.percent_complete = data.percent_complete
    report.invested_wan = data.invested_wan
    report.new_status = data.new_status
    report.milestone_updates = milestones.encode(data.milestone_updates, data.new_milestones) or None


def _flush() -> None:
    """Write now, turning a lost race (another writer got there first) into a conflict message."""
    try:
        session.flush()
    except (StaleDataError, IntegrityError) as e:
        raise Conflict("保存失败：该报告刚刚被他人修改或创建，请刷新页面后核对再保存。") from e


def get_report_for(project: Project, period: ReportingPeriod, lock: bool = False) -> StatusReport | None:
    stmt = select(StatusReport).where(
        StatusReport.project_id == project.id, StatusReport.period_id == period.id
    )
    return session.scalar(stmt.with_for_update() if lock else stmt)


def save_report(
    actor,
    project: Project,
    period: ReportingPeriod,
    data: ReportInput,
    expected_version: int | None,
    submit: bool = False,
    today: date | None = None,
) -> StatusReport:
    """Create or update a project's report for a period (optionally submitting it); audited."""
    if period.plan_id != project.plan_id:
        raise DomainError("该期间不属于此项目所在的规划。")
    _require_open(period, today)
    report = get_report_for(project, period, lock=True)
    if report is None:
        if expected_version is not None:
            raise Conflict("保存失败：您编辑的报告已不存在，请刷新页面。")
        report = StatusReport(project=project, period=period, created_by_id=actor.id)
        report.status = ReportStatus.DRAFT
        session.add(report)
        before = None
    else:
        _check_version(report, expected_version, data)
        if report.status not in EDITABLE:
            raise DomainError(f"该报告{report.status.label}，不能再修改。")
        before = snapshot(report)
    _validate(project, data)
    attachments.check_all(len(report.attachments) if before is not None else 0, data.files)
    _assign(report, data)
    if submit:
        require_complete(report)  # refuse before any file reaches the disk
    _flush()
    for name, content in data.files:
        attachments.store(actor, report, name, content)
    action = "report.create" if before is None else "report.update"
    summary = f"{'新建' if before is None else '修改'} {project.name} {period.code} 进度报告"
    record(actor, action, report, before=before, after=snapshot(report), summary=summary)
    if submit:
        _submit(actor, report)
    _flush()
    return report


def require_complete(report: StatusReport | ReportInput) -> None:
    """Refuse to submit a report (or the input that will become one) without the fields a report needs."""
    missing = [
        label for name, label in FIELDS[:3] if getattr(report, name) is None or getattr(report, name) == ""
    ]
    if missing:
        raise DomainError(f"报送前请填写：{'、'.join(missing)}。")


def _submit(actor, report: StatusReport) -> None:
    if report.status not in EDITABLE:
        raise DomainError(f"该报告{report.status.label}，不能报送。")
    require_complete(report)
    again = report.status == ReportStatus.RETURNED
    report.status = ReportStatus.SUBMITTED
    report.submitted_by_id = actor.id
    report.submitted_at = utcnow()
    record(
        actor,
        "report.resubmit" if again else "report.submit",
        report,
        after={"status": report.status},
        summary=f"{'重新报送' if again else '报送'} {report.project.name} {report.period.code} 进度报告",
    )
    notices.report_submitted(report)


def submit_report(actor, report: StatusReport, expected_version: int | None, today: date | None = None):
    """Send a draft or returned report to the planners for review; audited."""
    _require_open(report.period, today)
    _check_version(report, expected_version)
    _submit(actor, report)
    _flush()
    return report


def _require_submitted(actor, report: StatusReport, expected_version: int | None) -> None:
    _check_version(report, expected_version)
    if report.status != ReportStatus.SUBMITTED:
        raise DomainError(f"该报告{report.status.label}，只有已报送的报告可以审核。")


def approve_report(actor, report: StatusReport, expected_version: int | None) -> StatusReport:
    """Accept a submitted report and apply its status change and milestone updates to the project."""
    _require_submitted(actor, report, expected_version)
    report.status = ReportStatus.APPROVED
    report.reviewed_by_id = actor.id
    report.reviewed_at = utcnow()
    record(
        actor,
        "report.approve",
        report,
        after={"status": report.status},
        summary=f"审核通过 {report.project.name} {report.period.code} 进度报告",
    )
    _apply_to_project(actor, report)
    _flush()
    return report


def _apply_to_project(actor, report: StatusReport) -> None:
    project = report.project
    if report.new_status and report.new_status != project.status:
        before = {"status": project.status.value}
        # The status took effect in the reported period, whenever the report is approved.
        change_status(
            actor, project, report.new_status, report.period.ends_on, f"进度报告 {report.period.code}"
        )
        record(
            actor,
            "project.update",
            project,
            before=before,
            after={"status": project.status.value},
            summary=f"据 {report.period.code} 进度报告变更项目状态为{project.status.label}",
        )
    milestones.apply(actor, project, report.milestone_updates or {}, report.period.code)


def return_report(actor, report: StatusReport, reason: str, expected_version: int | None) -> StatusReport:
    """Send a submitted report back to its officer with a reason; audited."""
    _require_submitted(actor, report, expected_version)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("退回时必须填写退回原因。")
    report.status = ReportStatus.RETURNED
    report.return_reason = reason
    report.reviewed_by_id = actor.id
    report.reviewed_at = utcnow()
    record(
        actor,
        "report.return",
        report,
        after={"status": report.status, "reason": reason},
        summary=f"退回 {report.project.name} {report.period.code} 进度报告：{reason}",
    )
    notices.report_returned(report)
    _flush()
    return report


def delete_attachment(actor, attachment, today: date | None = None) -> None:
    """Remove an attachment from a report that is still being edited; audited."""
    report = attachment.report
    _require_open(report.period, today)
    if report.status not in EDITABLE:
        raise DomainError(f"该报告{report.status.label}，不能删除附件。")
    attachments.remove(actor, attachment)
    _flush()
