"""Funding rules: a plan's source list, a project's planned breakdown, and funds received in a report."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from portfolio.audit.services import record
from portfolio.db import session, utcnow
from portfolio.errors import Conflict, DomainError
from portfolio.funding.checks import breakdown_warning
from portfolio.funding.models import FundingSource, ProjectFunding, ProjectFundingNote, ReportFunding
from portfolio.funding.parse import source_key
from portfolio.funding.seed import DEFAULT_SOURCES
from portfolio.numbers import NumberProblem, check_money
from portfolio.plans.state import ensure_plan_open
from portfolio.projects.models import Plan, Project
from portfolio.reporting.models import ReportingPeriod, ReportStatus, StatusReport
from portfolio.reporting.services import (
    ReportConflict,
    ReportInput,
    get_report_for,
    require_complete,
    save_report,
    submit_report,
)

EMPTY = "（空）"


def ensure_default_sources(plan: Plan) -> list[FundingSource]:
    """Give a plan with no source list the standard one; a plan that has a list keeps it."""
    existing = list(session.scalars(select(FundingSource).where(FundingSource.plan_id == plan.id)))
    if existing:
        return existing
    made = [
        FundingSource(plan_id=plan.id, position=i, name=name, aliases=list(aliases))
        for i, (name, aliases) in enumerate(DEFAULT_SOURCES)
    ]
    session.add_all(made)
    session.flush()
    return made


@dataclass
class SourceEdit:
    """One row of the source list form: an existing source (id) or a new one (id None)."""

    id: int | None
    name: str
    aliases: list[str]
    remove: bool = False


def save_sources(actor, plan: Plan, rows: list[SourceEdit]) -> int:
    """Rename, add, reorder or remove a plan's sources; a source with recorded amounts cannot be removed."""
    ensure_plan_open(plan)  # the source list is the plan's structure
    existing = {
        s.id: s for s in session.scalars(select(FundingSource).where(FundingSource.plan_id == plan.id))
    }
    kept = [r for r in rows if not r.remove and (r.name.strip() or r.id is not None)]
    _check_names(kept)
    changes = 0
    for row in rows:
        if row.id is not None and row.id not in existing:
            raise DomainError("表单中的资金来源已不存在，请刷新页面后重试。")
        if row.remove and row.id is not None:
            _remove(actor, existing[row.id])
            changes += 1
    for position, row in enumerate(kept):
        source = existing.get(row.id) if row.id is not None else None
        values = {"name": row.name.strip(), "aliases": row.aliases, "position": position}
        if source is None:
            source = FundingSource(plan_id=plan.id, **values)
            session.add(source)
            session.flush()
            record(
                actor,
                "funding.source_create",
                source,
                after=_shown(values),
                summary=f"新增资金来源：{source.name}",
            )
            changes += 1
            continue
        before = {"name": source.name, "aliases": list(source.aliases or []), "position": source.position}
        if before != values:
            for key, value in values.items():
                setattr(source, key, value)
            record(
                actor,
                "funding.source_update",
                source,
                before=_shown(before),
                after=_shown(values),
                summary=f"修改资金来源：{source.name}",
            )
            changes += 1
    session.flush()
    return changes


def _shown(values: dict) -> dict:
    return {"名称": values["name"], "别名": "、".join(values["aliases"]), "顺序": values["position"] + 1}


def _check_names(rows: list[SourceEdit]) -> None:
    keys = [source_key(r.name) for r in rows]
    if any(not k for k in keys):
        raise DomainError("资金来源名称不能为空。")
    if len(set(keys)) != len(keys):
        raise DomainError("资金来源名称不能重复。")
    if any(len(r.name.strip()) > 50 for r in rows):
        raise DomainError("资金来源名称不能超过 50 个字。")
    # A name or alias shared by two sources would send the annex import's column or text to either one.
    owner: dict[str, str] = {}
    for row in rows:
        for word in {source_key(w) for w in [row.name, *row.aliases] if source_key(w)}:
            if word in owner and owner[word] != row.name.strip():
                both = f"“{owner[word]}”和“{row.name.strip()}”"
                raise DomainError(f"“{word}”同时是{both}的名称或别名，请只保留一处。")
            owner[word] = row.name.strip()


def _remove(actor, source: FundingSource) -> None:
    used = session.scalar(
        select(ProjectFunding.project_id).where(ProjectFunding.source_id == source.id).limit(1)
    )
    used = used or session.scalar(
        select(ReportFunding.report_id).where(ReportFunding.source_id == source.id).limit(1)
    )
    if used:
        raise DomainError(f"资金来源“{source.name}”已有项目或报告填报了金额，不能删除；可改名或保留。")
    record(
        actor,
        "funding.source_delete",
        source,
        before={"名称": source.name},
        summary=f"删除资金来源：{source.name}",
    )
    session.delete(source)
    session.flush()


def save_project_funding(
    actor, project: Project, amounts: dict[int, Decimal | None], note: str | None, expected_version: int
) -> tuple[list[str], str | None]:
    """Replace a project's planned breakdown (万元 by source id) and note; returns (changes, warning)."""
    ensure_plan_open(project.plan)  # the breakdown is part of the register
    if project.version != expected_version:
        raise Conflict("该项目已被他人修改，您看到的是旧版本。请刷新页面，核对最新内容后再修改。")
    sources = {
        s.id: s
        for s in session.scalars(select(FundingSource).where(FundingSource.plan_id == project.plan_id))
    }
    if set(amounts) - set(sources):
        raise DomainError("表单中的资金来源已不存在，请刷新页面后重试。")
    _check_amounts(amounts, "资金来源金额")
    rows = {
        r.source_id: r
        for r in session.scalars(select(ProjectFunding).where(ProjectFunding.project_id == project.id))
    }
    before, after = _apply_amounts(
        rows,
        amounts,
        sources,
        lambda sid, amt: ProjectFunding(project_id=project.id, source_id=sid, amount_wan=amt),
    )
    _save_note(project, note, before, after)
    if after:
        session.flush()
        record(actor, "project.funding_update", project, before=before, after=after, summary="修改资金来源")
        # Touching the row bumps Project.version, so other open forms of the project turn stale.
        project.updated_at = utcnow()
        session.flush()
    return list(after), breakdown_warning(project.total_investment_wan, amounts)


def _apply_amounts(rows: dict, amounts: dict, sources: dict, new_row) -> tuple[dict, dict]:
    """Add, change or delete one amount row per source; return the changes by source name (old, new)."""
    before, after = {}, {}
    for source_id, amount in amounts.items():
        row = rows.get(source_id)
        old = row.amount_wan if row else None
        if _same(old, amount):
            continue
        name = sources[source_id].name
        before[name], after[name] = _plain(old), _plain(amount)
        if amount is None:
            session.delete(row)
        elif row is None:
            session.add(new_row(source_id, amount))
        else:
            row.amount_wan = amount
    return before, after


def _save_note(project: Project, note: str | None, before: dict, after: dict) -> None:
    note = (note or "").strip() or None
    row = session.get(ProjectFundingNote, project.id)
    old = row.text if row else None
    if old == note:
        return
    before["资金来源说明"], after["资金来源说明"] = old, note
    if note is None:
        session.delete(row)
    elif row is None:
        session.add(ProjectFundingNote(project_id=project.id, text=note))
    else:
        row.text = note


def save_report_with_funds(
    actor,
    project: Project,
    period: ReportingPeriod,
    data: ReportInput,
    funds: dict[int, Decimal | None] | None,
    expected_version: int | None,
    submit: bool = False,
    today: date | None = None,
) -> StatusReport:
    """Save a period report and its funds received by source (本期到位资金) as one edit of one version.

    The report's own checks come first (period open, version, workflow); `funds` None leaves the funds as
    they are. A stale form's conflict lists the funds that differ too. Submitting comes last, so the funds
    are written while the report can still be edited.
    """
    if submit:
        require_complete(data)  # refuse before any attachment reaches the disk
    try:
        report = save_report(actor, project, period, data, expected_version, today=today)
    except ReportConflict as conflict:
        conflict.changes += _funds_differences(get_report_for(project, period), funds)
        raise
    if funds is not None and _save_report_funding(actor, report, funds):
        # Funds are rows of their own: touching the report bumps its version, so other open forms turn stale.
        report.updated_at = utcnow()
        session.flush()
    if submit:
        submit_report(actor, report, report.version, today)
    return report


def _funds_differences(report: StatusReport | None, funds: dict | None) -> list[tuple[str, str, str]]:
    """(到位资金：source, what the form holds, what is stored) for each source the two disagree on."""
    if report is None or funds is None:
        return []
    stored = {r.source_id: r.amount_wan for r in session.scalars(_report_rows(report))}
    names = {s.id: s.name for s in session.scalars(_plan_sources(report.project.plan_id))}
    return [
        (f"本期到位资金：{names[sid]}", _plain(amount or None) or EMPTY, _plain(stored.get(sid)) or EMPTY)
        for sid, amount in funds.items()
        if sid in names and not _same(amount or None, stored.get(sid))
    ]


def _report_rows(report: StatusReport):
    return select(ReportFunding).where(ReportFunding.report_id == report.id)


def _plan_sources(plan_id: int):
    return select(FundingSource).where(FundingSource.plan_id == plan_id)


def _save_report_funding(actor, report: StatusReport, amounts: dict[int, Decimal | None]) -> list[str]:
    """Record funds received in the report's period by source; only while it can be edited."""
    if report.status not in (ReportStatus.DRAFT, ReportStatus.RETURNED):
        raise DomainError(f"该报告{report.status.label}，不能再修改到位资金。")
    _check_amounts(amounts, "本期到位资金")
    sources = {s.id: s for s in session.scalars(_plan_sources(report.project.plan_id))}
    if set(amounts) - set(sources):
        raise DomainError("表单中的资金来源已不存在，请刷新页面后重试。")
    rows = {r.source_id: r for r in session.scalars(_report_rows(report))}
    received = {sid: amount or None for sid, amount in amounts.items()}  # nothing received is no row
    before, after = _apply_amounts(
        rows,
        received,
        sources,
        lambda sid, amt: ReportFunding(report_id=report.id, source_id=sid, amount_wan=amt),
    )
    if after:
        session.flush()
        record(actor, "report.funding_update", report, before=before, after=after, summary="填报本期到位资金")
    return list(after)


def _same(old, new) -> bool:
    return (old is None and new is None) or (
        old is not None and new is not None and Decimal(old) == Decimal(new)
    )


def _plain(value) -> str | None:
    return None if value is None else format(Decimal(value).normalize(), "f")


def _check_amounts(amounts: dict, what: str) -> None:
    """Every amount finite, not negative and of a sane size (the one rule in portfolio.numbers)."""
    try:
        for amount in amounts.values():
            check_money(amount, what)
    except NumberProblem as bad:
        raise DomainError(bad.message) from bad
