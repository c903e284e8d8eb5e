"""Writing a checked import in the caller's transaction: new projects by Core executemany, changed
fields on ORM objects (loaded only for the projects that change), withdrawals, and audit entries."""

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import selectinload

from portfolio.annex.diff import Diff
from portfolio.annex.funding_write import insert_funding, replace_funding, source_ids
from portfolio.annex.models import ImportBatch
from portfolio.annex.report import CREATED, RENUMBERED, UPDATED, ImportReport, ProjectRecord, plain
from portfolio.audit.models import AuditEntry
from portfolio.audit.services import record as audit
from portfolio.db import refresh_statistics, session, utcnow
from portfolio.localtime import local_today
from portfolio.projects.models import (
    AnnualPlan,
    LifecycleStatus,
    Location,
    Plan,
    Project,
    ProjectLocation,
    ProjectUnit,
    Subcategory,
    Unit,
)
from portfolio.projects.seed_data import LOCATION_ALIASES
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
    refs = _References(plan, report.projects, new_subs)
    _create(actor, plan, batch, [r for r in report.projects if r.action == CREATED], refs)
    changing = [p.id for i, p in matched.matched.items() if report.projects[i].action == UPDATED]
    orm = _load_projects(changing + [p.id for p in matched.withdrawn])
    moved = []
    for i, r in enumerate(report.projects):
        stored = matched.matched.get(i)
        if stored is not None and r.action == UPDATED:
            project = orm[stored.id]
            project.source_sheet, project.source_row = r.sheet[:100], r.row
            _update(actor, project, r, refs, batch)
        elif stored is not None and (
            r.action == RENUMBERED or (stored.source_sheet, stored.source_row) != (r.sheet[:100], r.row)
        ):
            seq = r.seq_no if r.action == RENUMBERED else stored.seq_no
            moved.append(
                {"pid": stored.id, "sheet": r.sheet[:100], "row": r.row, "seq": seq, "ts": stored.updated_at}
            )
    _move_sources(moved)
    _withdraw(actor, [orm[p.id] for p in matched.withdrawn], batch)
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


def _withdraw(actor, projects: list[Project], batch: ImportBatch) -> None:
    """调出, never deleted: reports, milestones and evaluations stay attached."""
    for project in projects:
        before = {"status": project.status.label}
        change_status(actor, project, LifecycleStatus.WITHDRAWN, local_today(), "附件重新导入")
        project.import_batch_id = batch.id
        audit(
            actor,
            "project.withdraw",
            project,
            before=before,
            after={"status": LifecycleStatus.WITHDRAWN.label},
            summary=f"附件重新导入时未出现，标记为调出：{project.name}",
        )


class _References:
    """Ids of the categories, sub-categories (new ones created), locations and units a write needs."""

    def __init__(self, plan: Plan, records: list[ProjectRecord], new_subs: dict[int, list[str]]):
        self.categories = {c.number: c for c in plan.categories}
        for number, names in new_subs.items():
            category = self.categories[number]
            start = max((s.number for s in category.subcategories), default=0)
            for offset, name in enumerate(names, start=1):
                category.subcategories.append(Subcategory(number=start + offset, name=name))
        session.flush()
        self.subcategories = {(c.number, s.name): s for c in plan.categories for s in c.subcategories}
        self.locations = {loc.name: loc for loc in session.scalars(select(Location))}
        self.units = self._units({n for r in records for n in r.units})
        self.sources = source_ids(plan.id)

    def _units(self, names: set[str]) -> dict[str, Unit]:
        found = (
            {u.name: u for u in session.scalars(select(Unit).where(Unit.name.in_(names)))} if names else {}
        )
        ctx_counties = _county_lookup(self.locations)
        for name in sorted(names - set(found)):
            county = _unit_county(name, ctx_counties)
            found[name] = Unit(name=name, county=county)
            session.add(found[name])
        session.flush()
        return found

    def subcategory_id(self, r: ProjectRecord) -> int | None:
        sub = self.subcategories.get((r.category, r.subcategory)) if r.subcategory else None
        return sub.id if sub else None


def _county_lookup(locations: dict[str, Location]) -> dict[str, Location]:
    lookup = {n: loc for n, loc in locations.items() if loc.is_county}
    for alias, name in LOCATION_ALIASES.items():
        if name in lookup:
            lookup.setdefault(alias, lookup[name])
    return lookup


def _unit_county(name: str, counties: dict[str, Location]) -> Location | None:
    """A unit whose name starts with a county's name or alias (温县人民政府) belongs to that county."""
    best = max((n for n in counties if name.startswith(n) and len(name) > len(n)), key=len, default=None)
    return counties[best] if best else None


def _columns(r: ProjectRecord, refs: _References, batch: ImportBatch) -> dict:
    return {
        "category_id": refs.categories[r.category].id,
        "subcategory_id": refs.subcategory_id(r),
        "seq_no": r.seq_no,
        "name": r.name,
        "nature": r.nature,
        "content": r.content,
        "start_year": r.start_year,
        "end_year": r.end_year,
        "total_investment_wan": r.total_investment_wan,
        "span_investment_wan": r.span_investment_wan,
        "planned_start": r.planned_start,
        "planned_end": r.planned_end,
        "note": r.note,
        "pre_tracking_invested_wan": r.pre_tracking_invested_wan,
        "pre_tracking_as_of": r.pre_tracking_as_of,
        "import_batch_id": batch.id,
        "source_sheet": r.sheet[:100],
        "source_row": r.row,
    }


def _create(actor, plan: Plan, batch: ImportBatch, records: list[ProjectRecord], refs: _References) -> None:
    """Core executemany inserts: a 10,000-project annex must not pay for an ORM object graph per row."""
    if not records:
        return
    now, conn = utcnow(), session.connection()
    fixed = {
        "plan_id": plan.id,
        "status": LifecycleStatus.PLANNING,
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }
    conn.execute(Project.__table__.insert(), [dict(_columns(r, refs, batch), **fixed) for r in records])
    # Each new project is found again by where it sits in the file, unique within one batch.
    placed = select(Project.id, Project.source_sheet, Project.source_row).where(
        Project.import_batch_id == batch.id
    )
    ids = {(sheet, row): pid for pid, sheet, row in conn.execute(placed)}
    links, units, annual, entries = [], [], [], []
    user_id = getattr(actor, "id", None)
    for r in records:
        pid = r.project_id = ids[(r.sheet[:100], r.row)]
        _link_rows(pid, r, refs, links, units, annual)
        entries.append(
            {
                "at": now,
                "user_id": user_id,
                "action": "project.import_create",
                "entity_type": "Project",
                "entity_id": pid,
                "summary": f"附件导入新增项目：{r.name}",
                "before": None,
                "after": _created_values(r),
            }
        )
    insert_funding([(r.project_id, r) for r in records], refs.sources)
    for model, values in (
        (ProjectLocation, links),
        (ProjectUnit, units),
        (AnnualPlan, annual),
        (AuditEntry, entries),
    ):
        if values:
            conn.execute(model.__table__.insert(), values)


def _link_rows(
    pid: int, r: ProjectRecord, refs: "_References", links: list, units: list, annual: list
) -> None:
    links += [{"project_id": pid, "location_id": refs.locations[n].id} for n in dict.fromkeys(r.locations)]
    units += [
        {"project_id": pid, "unit_id": refs.units[n].id, "position": i, "is_lead": i == 0}
        for i, n in enumerate(r.units)
    ]
    annual += [
        {"project_id": pid, "year": y, "amount_wan": a} for y, a in r.annual_plan_wan.items() if a is not None
    ]


def _created_values(r: ProjectRecord) -> dict:
    """The audit snapshot of a new project, built flat (no recursive conversion: 10,000 of these)."""
    values = {
        "name": r.name,
        "subcategory": r.subcategory,
        "seq_no": r.seq_no,
        "locations": r.locations,
        "nature": r.nature,
        "content": r.content,
        "start_year": r.start_year,
        "end_year": r.end_year,
        "total_investment_wan": plain(r.total_investment_wan),
        "span_investment_wan": plain(r.span_investment_wan),
        "annual_plan_wan": {str(y): plain(a) for y, a in r.annual_plan_wan.items() if a is not None},
        "planned_start": r.planned_start.isoformat() if r.planned_start else None,
        "planned_end": r.planned_end.isoformat() if r.planned_end else None,
        "units": r.units,
        "note": r.note,
    }
    # Funding only when the file had funding columns: "none" is then a fact, otherwise it is unknown.
    if r.funding:
        values["funding"] = {k: plain(v) for k, v in r.funding.items()}
    if r.funding_note:
        values["funding_note"] = r.funding_note
    if r.pre_tracking_invested_wan is not None:
        values["pre_tracking_invested_wan"] = plain(r.pre_tracking_invested_wan)
        values["pre_tracking_as_of"] = r.pre_tracking_as_of.isoformat()
    return values


def _move_sources(moved: list[dict]) -> None:
    """Where unchanged projects now sit in the file, and their 序号. Not a change of the project: a Core
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
        )
    )
    session.connection().execute(stmt, moved)


def _update(actor, project: Project, r: ProjectRecord, refs: _References, batch: ImportBatch) -> None:
    """Change only the fields that differ; reports, milestones and evaluations are never touched."""
    values = _columns(r, refs, batch)
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
    audit(
        actor,
        "project.import_update",
        project,
        before=_audit_values({k: o for k, (o, _n) in changed.items()}),
        after=_audit_values({k: n for k, (_o, n) in changed.items()}),
        summary=f"附件重新导入更新项目：{project.name}",
    )


def _replace_units(project: Project, r: ProjectRecord, refs: _References) -> None:
    project.unit_links.clear()
    session.flush()
    project.unit_links.extend(
        ProjectUnit(unit=refs.units[n], position=i, is_lead=i == 0) for i, n in enumerate(r.units)
    )


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
