"""Importing the plan's major-project annex: read, classify, validate, diff, then write all or nothing.

import_annex never commits: the view or CLI command that called it commits once, so an import is a
single transaction. With any error, or with dry_run, nothing is written.
"""

import hashlib
from pathlib import Path

from sqlalchemy import select

from portfolio.adjustments.services import AdjustmentNote, record_adjustments, snapshot_before
from portfolio.annex import diff as differ
from portfolio.annex.classify import PlanContext
from portfolio.annex.create import created_snapshots
from portfolio.annex.error_sheet import build_error_workbook
from portfolio.annex.fingerprint import Known, SkippedRow, load_known
from portfolio.annex.parse import Parsed, parse_sheets
from portfolio.annex.queries import register_fingerprint
from portfolio.annex.reader import UnreadableAnnex, read_workbook
from portfolio.annex.report import CREATED, ERROR, UPDATED, ImportReport
from portfolio.annex.staging import load, stage
from portfolio.annex.stored import StoredProject, load_stored
from portfolio.annex.validate import check
from portfolio.annex.write import write_import
from portfolio.collector import collector_paused
from portfolio.db import session
from portfolio.errors import Conflict
from portfolio.funding.models import FundingSource
from portfolio.funding.parse import source_lookup
from portfolio.plans.state import ensure_plan_open
from portfolio.projects.models import (
    Location,
    LocationKind,
    Plan,
)
from portfolio.projects.seed_data import LOCATION_ALIASES

__all__ = ["UnreadableAnnex", "import_annex", "plan_context"]


def import_annex(
    actor, data: bytes, filename: str, plan: Plan, dry_run: bool = False, note: AdjustmentNote | None = None
) -> ImportReport:
    """Import an annex workbook into plan; raises UnreadableAnnex when the file cannot be read safely.

    The plan's first import freezes its baseline; a later one that adds, changes or withdraws projects
    records each as a plan adjustment and needs a note (reason and 调整文号), else a DomainError.
    """
    ensure_plan_open(plan)
    with collector_paused():
        return _import(actor, data, filename, plan, dry_run, note)


def _import(actor, data: bytes, filename: str, plan: Plan, dry_run: bool, note) -> ImportReport:
    """Read, classify, validate and diff the file; unless it is a dry run or has errors, write it."""
    sheets = read_workbook(data)
    ctx = plan_context(plan)
    known = load_known(plan.id)
    parsed = _parse(sheets, ctx, known.by_digest)
    if known.by_digest and any(i.severity == ERROR for i in parsed.issues):
        parsed = _parse(sheets, ctx, {})  # a refused file is reported row by row exactly as a full read does
    report = ImportReport(
        filename=filename,
        sha256=hashlib.sha256(data).hexdigest(),
        years=plan.years,
        dry_run=dry_run,
        projects=parsed.records,
        issues=parsed.issues,
    )
    matched = differ.match(report.projects, _stored(plan.id, known, report.projects))
    differ.apply_actions(report.projects, matched)
    report.withdrawn = [p.name for p in matched.withdrawn]
    if report.ok and not dry_run:
        # Only projects the import adds, changes or withdraws can be adjusted: an unchanged re-import
        # of 10,000 projects compares none of them (the whole plan still while it has no baseline).
        touched = [p.id for i, p in matched.matched.items() if report.projects[i].action == UPDATED]
        touched += [p.id for p in matched.withdrawn]
        before = snapshot_before(plan, touched)
        write_import(actor, plan, report, matched, parsed.new_subcategories)
        touched += [r.project_id for r in report.projects if r.action == CREATED]
        created = created_snapshots(report.projects)
        record_adjustments(actor, plan, before, note, report.batch_id, project_ids=touched, created=created)
    return report


def _parse(sheets, ctx: PlanContext, skippable: dict[str, int]) -> Parsed:
    """Classify, read and check the rows (all but the skippable ones); a row with an issue keeps no digest."""
    parsed = parse_sheets(sheets, ctx, skippable)
    check(parsed, ctx)
    flagged = {(i.sheet, i.row) for i in parsed.issues}
    for r in parsed.records:
        if type(r) is SkippedRow:
            continue
        r.locations = [ctx.locations[n] for n in r.locations if n in ctx.locations]
        if (r.sheet, r.row) in flagged:
            r.fingerprint = None
    return parsed


def _stored(plan_id: int, known: Known, records: list) -> list[StoredProject]:
    """The stored projects the read rows are matched against: all but the skipped rows' projects. With
    every row skipped, only the open projects left over (to be withdrawn) are read."""
    skipped = {r.project_id for r in records if type(r) is SkippedRow}
    if not skipped:
        return load_stored(plan_id)
    reading = any(type(r) is not SkippedRow for r in records)
    rest = [pid for pid in (known.ids if reading else known.open_ids) if pid not in skipped]
    if not rest:
        return []
    if len(rest) > LOAD_BY_ID:
        return [p for p in load_stored(plan_id) if p.id not in skipped]
    return load_stored(plan_id, rest)


LOAD_BY_ID = 1000  # up to this many projects are read by id; more, the whole plan is read and filtered


def plan_context(plan: Plan) -> PlanContext:
    """The plan's categories and span plus the city's locations (names and aliases)."""
    ctx = PlanContext.from_plan(plan)
    locations = list(session.scalars(select(Location)))
    ctx.locations = {loc.name: loc.name for loc in locations}
    for alias, name in LOCATION_ALIASES.items():
        if name in ctx.locations:
            ctx.locations.setdefault(alias, name)
    county_kinds = {
        loc.name for loc in locations if loc.kind not in (LocationKind.CITYWIDE, LocationKind.URBAN)
    }
    ctx.county_names = [n for n, canonical in ctx.locations.items() if canonical in county_kinds]
    ctx.funding = source_lookup(
        session.scalars(select(FundingSource).where(FundingSource.plan_id == plan.id))
    )
    return ctx


def preview_upload(
    actor, data: bytes, filename: str, plan: Plan, staging: Path
) -> tuple[ImportReport, str, str]:
    """Dry-run an uploaded annex and keep the file server-side: (report, sha256, register fingerprint)."""
    report = import_annex(actor, data, filename, plan, dry_run=True)
    sha = stage(staging, data, filename, getattr(actor, "id", None))
    return report, sha, register_fingerprint(plan)


def confirm_upload(
    actor, staging: Path, sha: str, plan: Plan, fingerprint: str, note: AdjustmentNote | None = None
) -> ImportReport:
    """Import the previewed file, refusing when the register changed since the preview was made."""
    data, filename = load(staging, sha)
    if fingerprint != register_fingerprint(plan):
        raise Conflict("预览之后项目库已有变化（他人编辑或导入了项目），请重新上传并核对预览后再确认。")
    return import_annex(actor, data, filename, plan, note=note)


def preview_staged(actor, staging: Path, sha: str, plan: Plan) -> ImportReport:
    """The dry run of a staged file again, to show its preview once more."""
    data, filename = load(staging, sha)
    return import_annex(actor, data, filename, plan, dry_run=True)


def error_report_workbook(staging: Path, sha: str, plan: Plan) -> tuple[bytes, str]:
    """The error report of a staged file: (xlsx bytes, original file name)."""
    data, filename = load(staging, sha)
    report = import_annex(None, data, filename, plan, dry_run=True)
    return build_error_workbook(report, read_workbook(data)), filename
