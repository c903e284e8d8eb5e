"""Writing a checked import in the caller's transaction: new projects in bulk (create.py), changed
fields on ORM objects (loaded only for the projects that change), withdrawals, and audit entries."""

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import selectinload

from portfolio.annex.create import VALUE_COLUMNS, References, create_projects, project_values
from portfolio.annex.diff import Diff
from portfolio.annex.fingerprint import stamp
from portfolio.annex.funding_write import replace_funding
from portfolio.annex.models import ImportBatch
from portfolio.annex.report import CREATED, RENUMBERED, UPDATED, ImportReport, ProjectRecord, plain
from portfolio.audit.services import record as audit
from portfolio.audit.services import record_many
from portfolio.db import refresh_statistics, session
from portfolio.localtime import local_today
from portfolio.projects.models import AnnualPlan, LifecycleStatus, Plan, Project, ProjectUnit
from portfolio.projects.status_history import change_status


def _load_projects(ids: list[int]) -> dict[int, Project]:
    if not ids:
        return {}
    query = (
        select(Project)
        .where(Project.id.in_(ids))
        .options(
            selectinload(Project.locations),
            selectinload(Project.unit_links).selectinload(ProjectUnit.unit),
            selectinload(Project.annual_plans),
        )
    )
    return {p.id: p for p in session.scalars(query)}


def write_import(actor, plan: Plan, report: ImportReport, matched: Diff, new_subs: dict) -> None:
    """Write a checked import: the batch, new projects, changed fields, withdrawals, audit entries."""
    batch = _new_batch(actor, plan, report)
    writing = [r for r in report.projects if r.action in (CREATED, UPDATED)]  # only these link units
    refs = References(plan, writing, new_subs)
    create_projects(actor, plan, batch, [r for r in report.projects if r.action == CREATED], refs)
    changing = [p.id for i, p in matched.matched.items() if report.projects[i].action == UPDATED]
    orm = _load_projects(changing + [p.id for p in matched.withdrawn])
    moved, updates, updated = [], [], []
    for i, r in enumerate(report.projects):
        stored = matched.matched.get(i)
        if stored is not None and r.action == UPDATED:
            project = orm[stored.id]
            project.source_sheet, project.source_row = r.sheet[:100], r.row
            updates.append(_update(project, r, refs, batch))
            updated.append((project, r))
        elif stored is not None and (
            r.action == RENUMBERED
            or (stored.source_sheet, stored.source_row) != (r.sheet[:100], r.row)
            or stored.import_fingerprint != stamp(stored.version, r.fingerprint)
        ):
            seq = r.seq_no if r.action == RENUMBERED else stored.seq_no
            fingerprint = stamp(stored.version, r.fingerprint)
            moved.append(_source(stored.id, r, seq, stored.updated_at, fingerprint))
    withdrawals = _withdraw(actor, [orm[p.id] for p in matched.withdrawn], batch)
    session.flush()  # the changed projects' rows first, then their audit entries in bulk
    # A changed project's fingerprint carries the version its update gave it.
    moved += [_source(p.id, r, p.seq_no, p.updated_at, stamp(p.version, r.fingerprint)) for p, r in updated]
    _move_sources(moved)
    record_many(actor, "project.import_update", "Project", updates)
    record_many(actor, "project.withdraw", "Project", withdrawals)
    audit(
        actor,
        "annex.import",
        batch,
        after=dict(report.counts, file=report.filename, sha256=report.sha256),
        summary=f"导入附件 {report.filename}",
    )
    session.flush()
    if report.counts["created"] or report.counts["updated"] or report.counts["withdrawn"]:
        refresh_statistics(session.connection())


def _new_batch(actor, plan: Plan, report: ImportReport) -> ImportBatch:
    counts = report.counts
    batch = ImportBatch(
        plan_id=plan.id,
        file_name=report.filename[:255],
        sha256=report.sha256,
        user_id=getattr(actor, "id", None),
        created_count=counts["created"],
        updated_count=counts["updated"],
        unchanged_count=counts["unchanged"],
        renumbered_count=counts["renumbered"],
        withdrawn_count=counts["withdrawn"],
        warning_count=counts["warnings"],
    )
    session.add(batch)
    session.flush()
    report.batch_id = batch.id
    return batch


def _withdraw(actor, projects: list[Project], batch: ImportBatch) -> list[tuple]:
    """调出, never deleted: reports, milestones and evaluations stay attached. Returns audit entries."""
    entries = []
    for project in projects:
        before = {"status": project.status.label}
        change_status(actor, project, LifecycleStatus.WITHDRAWN, local_today(), "附件重新导入")
        project.import_batch_id = batch.id
        summary = f"附件重新导入时未出现，标记为调出：{project.name}"
        entries.append((project.id, summary, before, {"status": LifecycleStatus.WITHDRAWN.label}))
    return entries


def _source(pid: int, r: ProjectRecord, seq: int | None, ts, fingerprint: str | None) -> dict:
    return {"pid": pid, "sheet": r.sheet[:100], "row": r.row, "seq": seq, "ts": ts, "fp": fingerprint}


def _move_sources(moved: list[dict]) -> None:
    """Where projects now sit in the file, their 序号 and fingerprint. Not a change of the project: a Core
    UPDATE keeps its version (open edit forms stay valid) and its updated_at."""
    if not moved:
        return
    table = Project.__table__
    stmt = (
        update(table)
        .where(table.c.id == bindparam("pid"))
        .values(
            source_sheet=bindparam("sheet"),
            source_row=bindparam("row"),
            seq_no=bindparam("seq"),
            updated_at=bindparam("ts"),
            import_fingerprint=bindparam("fp"),
        )
    )
    session.connection().execute(stmt, moved)


def _update(project: Project, r: ProjectRecord, refs: References, batch: ImportBatch) -> tuple:
    """Change only the fields that differ; reports, milestones and evaluations are never touched.

    Returns the project's audit entry (id, summary, before, after), written with the others in bulk."""
    values = dict(zip(VALUE_COLUMNS, project_values(r, refs, batch.id), strict=True))
    changed = r.changes
    project.import_batch_id = batch.id
    simple = {
        "name",
        "seq_no",
        "nature",
        "content",
        "start_year",
        "end_year",
        "planned_start",
        "planned_end",
        "note",
        "total_investment_wan",
        "pre_tracking_invested_wan",
        "pre_tracking_as_of",
    }
    for key in changed.keys() & simple:
        setattr(project, key, values[key])
    if "span_investment_wan" in changed:
        project.span_investment_wan = r.span_investment_wan
    if "subcategory" in changed:
        project.subcategory_id = refs.subcategory_id(r)
    if "locations" in changed:
        project.locations = [refs.locations[n] for n in dict.fromkeys(r.locations)]
    if "units" in changed:
        _replace_units(project, r, refs)
    if "annual_plan_wan" in changed:
        _replace_annual(project, r)
    if "status" in changed:
        project.status = LifecycleStatus.PLANNING
    replace_funding(project.id, r, refs.sources, changed)
    before = _audit_values({k: o for k, (o, _n) in changed.items()})
    after = _audit_values({k: n for k, (_o, n) in changed.items()})
    return (project.id, f"附件重新导入更新项目：{project.name}", before, after)


def _replace_units(project: Project, r: ProjectRecord, refs: References) -> None:
    """Links keyed by unit: a staying unit keeps its link (new position), others go, new ones come.

    No flush in between (clearing, then flushing, then adding was a flush and a progress read-model
    refresh per changed project); the one flush at the end writes them all."""
    units = [refs.units[n] for n in r.units]
    wanted = {u.id for u in units}
    staying = {link.unit_id: link for link in project.unit_links if link.unit_id in wanted}
    for link in [link for link in project.unit_links if link.unit_id not in staying]:
        project.unit_links.remove(link)
    for i, unit in enumerate(units):
        if (link := staying.get(unit.id)) is not None:
            link.position, link.is_lead = i, i == 0
        else:
            project.unit_links.append(ProjectUnit(unit=unit, position=i, is_lead=i == 0))


def _replace_annual(project: Project, r: ProjectRecord) -> None:
    by_year = {a.year: a for a in project.annual_plans}
    for year, amount in r.annual_plan_wan.items():
        if amount is None:
            if year in by_year:
                project.annual_plans.remove(by_year[year])
        elif year in by_year:
            by_year[year].amount_wan = amount
        else:
            project.annual_plans.append(AnnualPlan(year=year, amount_wan=amount))


def _audit_values(values: dict) -> dict:
    """JSON-safe copies of diff values for the audit log."""
    return {k: plain(v) for k, v in values.items()}
