"""What each audited record is called: a project or indicator by its name, a report by project and period.

One statement per kind of record on the page, however many entries it shows. A record deleted since keeps
the name its entry stored (before/after "name"), else it reads as 已删除.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portfolio.annex.models import ImportBatch
from portfolio.audit.models import AuditEntry
from portfolio.auth.models import User
from portfolio.db import session
from portfolio.evaluation.models import EvaluationRound, Indicator, ProjectAssessment
from portfolio.funding.models import FundingSource
from portfolio.notify.models import Reminder
from portfolio.projects.models import Category, Milestone, Plan, Project, Subcategory
from portfolio.reporting.models import Attachment, ReportingPeriod, StatusReport
from portfolio.tokens.models import ApiToken


def _report(r: StatusReport) -> str:
    return f"{r.project.name}（{r.period.code}）"


def _reminder(r: Reminder) -> str:
    period = session.get(ReportingPeriod, r.period_id)
    return f"{period.code if period else ''} {r.county.name if r.county else '全部未报送县区'}".strip()


def _token(t: ApiToken) -> str:
    return f"{t.user.username if t.user else ''} {t.label or ''} {t.prefix}…".strip()


# entity type -> (model, loader options, how one row is named)
_NAMERS: dict[str, tuple[type, tuple, Callable]] = {
    "Project": (Project, (), lambda p: p.name),
    "StatusReport": (
        StatusReport,
        (joinedload(StatusReport.project), joinedload(StatusReport.period)),
        _report,
    ),
    "ReportingPeriod": (ReportingPeriod, (joinedload(ReportingPeriod.plan),), lambda p: p.code),
    "Attachment": (
        Attachment,
        (joinedload(Attachment.report).joinedload(StatusReport.project),),
        lambda a: f"{a.original_name}（{a.report.project.name}）" if a.report else a.original_name,
    ),
    "Milestone": (
        Milestone,
        (joinedload(Milestone.project),),
        lambda m: f"{m.project.name} · {m.title or m.kind.label}",
    ),
    "ProjectAssessment": (
        ProjectAssessment,
        (joinedload(ProjectAssessment.project), joinedload(ProjectAssessment.round)),
        lambda a: f"{a.project.name}（{a.round.name}）",
    ),
    "EvaluationRound": (EvaluationRound, (), lambda r: r.name),
    "Indicator": (Indicator, (), lambda i: i.name),
    "User": (User, (), lambda u: f"{u.display_name}（{u.username}）"),
    "Plan": (Plan, (), lambda p: p.short_name),
    "Category": (Category, (), lambda c: c.name),
    "Subcategory": (Subcategory, (), lambda s: s.name),
    "FundingSource": (FundingSource, (), lambda s: s.name),
    "ImportBatch": (ImportBatch, (), lambda b: b.file_name),
    "Reminder": (Reminder, (joinedload(Reminder.county),), _reminder),
    "ApiToken": (ApiToken, (joinedload(ApiToken.user),), _token),
}
_FIXED = {"Setting": "预警阈值"}


def _stored_name(entry: AuditEntry) -> str | None:
    for values in (entry.before, entry.after):
        if isinstance(values, dict):
            for key in ("name", "名称", "username"):
                if values.get(key):
                    return str(values[key])
    return None


def entity_names(entries: Iterable[AuditEntry]) -> dict[tuple[str, int | None], str]:
    """(entity type, id) -> the record's name for every entry."""
    entries = list(entries)
    wanted: dict[str, set[int]] = defaultdict(set)
    for e in entries:
        if e.entity_type in _NAMERS and e.entity_id is not None:
            wanted[e.entity_type].add(e.entity_id)
    names: dict[tuple[str, int | None], str] = {}
    for kind, ids in wanted.items():
        model, options, name = _NAMERS[kind]
        for row in session.scalars(select(model).where(model.id.in_(ids)).options(*options)).unique():
            names[(kind, row.id)] = name(row)
    for e in entries:
        key = (e.entity_type, e.entity_id)
        if key not in names:
            names[key] = _FIXED.get(e.entity_type) or _stored_name(e) or "（已删除）"
    return names
