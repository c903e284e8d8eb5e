"""Writing an import's new projects in bulk: one driver executemany per table, no RETURNING.

A 10,000-project annex must cost little more than the database's own inserts: no ORM object and no
per-row parameter dict. Each new project's id is found again by where it sits in the file (sheet and row,
unique within one batch) in one query after the insert.
"""

from sqlalchemy import select

from portfolio.adjustments.snapshot import snapshot_values
from portfolio.annex.fingerprint import stamp
from portfolio.annex.funding_write import source_ids
from portfolio.annex.models import ImportBatch
from portfolio.annex.records import remembering
from portfolio.annex.report import CREATED, ProjectRecord, plain
from portfolio.audit.services import record_many
from portfolio.db import insert_rows, session, utcnow
from portfolio.funding.models import ProjectFunding, ProjectFundingNote
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

# A new project's columns from the file, in the order project_values gives them; FIXED_COLUMNS follow.
VALUE_COLUMNS = (
    "category_id",
    "subcategory_id",
    "seq_no",
    "name",
    "nature",
    "content",
    "start_year",
    "end_year",
    "total_investment_wan",
    "span_investment_wan",
    "planned_start",
    "planned_end",
    "note",
    "pre_tracking_invested_wan",
    "pre_tracking_as_of",
    "import_batch_id",
    "source_sheet",
    "source_row",
)
FIXED_COLUMNS = ("plan_id", "status", "version", "created_at", "updated_at")
NEW_VERSION = 1


class References:
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
        self.location_ids = {name: loc.id for name, loc in self.locations.items()}
        self.unit_ids = {name: unit.id for name, unit in self.units.items()}
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


def project_values(r: ProjectRecord, refs: References, batch_id: int) -> tuple:
    """A record's project columns, in VALUE_COLUMNS order."""
    return (
        refs.categories[r.category].id,
        refs.subcategory_id(r),
        r.seq_no,
        r.name,
        r.nature,
        r.content,
        r.start_year,
        r.end_year,
        r.total_investment_wan,
        r.span_investment_wan,
        r.planned_start,
        r.planned_end,
        r.note,
        r.pre_tracking_invested_wan,
        r.pre_tracking_as_of,
        batch_id,
        r.sheet[:100],
        r.row,
    )


def create_projects(
    actor, plan: Plan, batch: ImportBatch, records: list[ProjectRecord], refs: References
) -> None:
    """Insert the new projects, their links, amounts and funding, and one audit entry each."""
    if not records:
        return
    now, conn = utcnow(), session.connection()
    fixed = (plan.id, LifecycleStatus.PLANNING, NEW_VERSION, now, now)
    insert_rows(
        conn,
        Project.__table__,
        (*VALUE_COLUMNS, *FIXED_COLUMNS, "import_fingerprint"),
        [(*project_values(r, refs, batch.id), *fixed, stamp(NEW_VERSION, r.fingerprint)) for r in records],
    )
    placed = select(Project.id, Project.source_sheet, Project.source_row).where(
        Project.import_batch_id == batch.id
    )
    ids = {(sheet, row): pid for pid, sheet, row in conn.execute(placed)}
    for r in records:
        r.project_id = ids[(r.sheet[:100], r.row)]
    _insert_links(conn, records, refs)
    amount = remembering(plain)  # amounts repeat down an annex: each distinct one converted once
    entries = [
        (r.project_id, f"附件导入新增项目：{r.name}", None, created_values(r, amount)) for r in records
    ]
    record_many(actor, "project.import_create", "Project", entries)


def _insert_links(conn, records: list[ProjectRecord], refs: References) -> None:
    """Locations, units (the first leads), annual amounts, funding by source and funding notes."""
    locations, units, annual, funding, notes = [], [], [], [], []
    location_ids, unit_ids, source_ids = refs.location_ids, refs.unit_ids, refs.sources
    for r in records:
        pid = r.project_id
        locations += [(pid, location_ids[n]) for n in dict.fromkeys(r.locations)]
        units += [(pid, unit_ids[n], i, i == 0) for i, n in enumerate(r.units)]
        annual += [(pid, y, a) for y, a in r.annual_plan_wan.items() if a is not None]
        if r.funding:
            funding += [(pid, source_ids[n], a) for n, a in r.funding.items() if a is not None]
        if r.funding_note:
            notes.append((pid, r.funding_note))
    insert_rows(conn, ProjectLocation.__table__, ("project_id", "location_id"), locations)
    insert_rows(conn, ProjectUnit.__table__, ("project_id", "unit_id", "position", "is_lead"), units)
    insert_rows(conn, AnnualPlan.__table__, ("project_id", "year", "amount_wan"), annual)
    insert_rows(conn, ProjectFunding.__table__, ("project_id", "source_id", "amount_wan"), funding)
    insert_rows(conn, ProjectFundingNote.__table__, ("project_id", "text"), notes)


def created_snapshots(records: list[ProjectRecord]) -> dict[int, dict]:
    """The plan-adjustment snapshots of the projects this import created, from the values it wrote."""
    snapshots = {}
    for r in records:
        if r.action != CREATED:
            continue
        values = snapshot_values(
            r.name, r.content, r.start_year, r.end_year, r.total_investment_wan, r.span_investment_wan, True
        )
        # The file's amounts already have four places (values.money): their text is amount_text's.
        values["annual"] = {str(y): str(a) for y, a in r.annual_plan_wan.items() if a is not None}
        snapshots[r.project_id] = values
    return snapshots


def created_values(r: ProjectRecord, amount=plain) -> dict:
    """The audit snapshot of a new project, built flat (no recursive conversion: 10,000 of these).
    amount converts one amount as plain does (create_projects passes one that remembers)."""
    values = {
        "name": r.name,
        "subcategory": r.subcategory,
        "seq_no": r.seq_no,
        "locations": r.locations,
        "nature": r.nature,
        "content": r.content,
        "start_year": r.start_year,
        "end_year": r.end_year,
        "total_investment_wan": amount(r.total_investment_wan),
        "span_investment_wan": amount(r.span_investment_wan),
        "annual_plan_wan": {str(y): amount(a) for y, a in r.annual_plan_wan.items() if a is not None},
        "planned_start": r.planned_start.isoformat() if r.planned_start else None,
        "planned_end": r.planned_end.isoformat() if r.planned_end else None,
        "units": r.units,
        "note": r.note,
    }
    # Funding only when the file had funding columns: "none" is then a fact, otherwise it is unknown.
    if r.funding:
        values["funding"] = {k: amount(v) for k, v in r.funding.items()}
    if r.funding_note:
        values["funding_note"] = r.funding_note
    if r.pre_tracking_invested_wan is not None:
        values["pre_tracking_invested_wan"] = amount(r.pre_tracking_invested_wan)
        values["pre_tracking_as_of"] = r.pre_tracking_as_of.isoformat()
    return values
