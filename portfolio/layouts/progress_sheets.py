"""The 调度表, the per-county workbook and the 督办清单, produced from the built-in layouts (builtin).

The export page's routes and the export-progress command call these; the project list's filters narrow
the projects, and the funding columns ticked on the export page join the layout.
"""

from datetime import date

from portfolio.collector import collector_paused
from portfolio.exports.queries import list_locations, list_report_statuses
from portfolio.exports.sheet_layout import Book, ExportFile, period_label
from portfolio.funding.columns import FundingChoice, choose_columns
from portfolio.layouts.builtin import (
    PROGRESS_NAME,
    SUPERVISION_NAME,
    progress_spec,
    supervision_spec,
    with_funding,
)
from portfolio.layouts.sheets import load_projects, write_layout
from portfolio.layouts.spec import LayoutSpec
from portfolio.localtime import local_today
from portfolio.permissions import responsible_counties
from portfolio.projects.models import Location, Project
from portfolio.projects.queries import ProjectFilters
from portfolio.reporting.models import ReportingPeriod
from portfolio.reporting.progress import progress_for


def _spec(period: ReportingPeriod, funding: FundingChoice | None) -> LayoutSpec:
    spec = progress_spec()
    return with_funding(spec, choose_columns(period.plan_id, funding)) if funding else spec


@collector_paused()
def export_progress(
    actor,
    period: ReportingPeriod,
    filters: ProjectFilters,
    county: Location | None = None,
    today: date | None = None,
    funding: FundingChoice | None = None,
) -> ExportFile:
    """The progress sheet (调度表) of a period for the user's visible, filtered projects.

    `funding` adds the funding columns chosen on the export page (measures × sources).
    """
    spec = _spec(period, funding)
    book = Book()
    projects = load_projects(actor, spec, period, county, filters)
    write_layout(book, actor, PROGRESS_NAME, spec, period, county, today or local_today(), projects)
    where = f"_{county.name}" if county else ""
    return ExportFile(
        book.close(),
        f"{period.plan.short_name}重大工程项目推进情况表{where}_{period_label(period)}.xlsx",
        f"progress-{period.code}.xlsx",
    )


def by_county(actor, projects: list[Project]) -> list[tuple[Location, list[Project]]]:
    """Each county with exactly the projects its officer sees: built there or with a unit of the county.
    A county officer gets only their own county's sheet."""
    groups: dict[int, list[Project]] = {}
    for project in projects:
        for county_id in responsible_counties(project):
            groups.setdefault(county_id, []).append(project)
    own = getattr(actor, "county_id", None)
    locations = list_locations([i for i in groups if own is None or i == own])
    return [(location, groups[location.id]) for location in locations]


def shared_note(county: Location, projects: list[Project], names: dict[int, str]) -> str:
    """The line under a county's sheet naming its projects that other counties answer for too."""
    shared = []
    for project in projects:
        counties = responsible_counties(project) - {county.id}
        if counties:
            others = "、".join(name for i, name in names.items() if i in counties)
            shared.append(f"{project.name}（与{others}共同负责）")
    if not shared:
        return ""
    listed = "；".join(shared)
    return f"共同负责的项目 {len(shared)} 个，也列在其他县区的表中，各县区表的合计不可相加：{listed}。"


@collector_paused()
def export_county_sheets(
    actor,
    period: ReportingPeriod,
    filters: ProjectFilters,
    today: date | None = None,
    funding: FundingChoice | None = None,
) -> ExportFile:
    """One workbook, one progress sheet per county holding what that county's officer sees on the web
    (a project built in one county and led by another's unit appears in both, with a note).

    `funding` adds the same funding columns as the 调度表 to every county's sheet.
    """
    spec, book, today = _spec(period, funding), Book(), today or local_today()
    projects = load_projects(actor, spec, period, None, filters)
    counties = by_county(actor, projects)
    names = {location.id: location.name for location in list_locations(None)}
    # Progress and report states once for every county, not once per county's sheet.
    read = (progress_for(projects, period.ends_on, period), list_report_statuses(projects, period))
    for location, members in counties:
        note = shared_note(location, members, names)
        write_layout(book, actor, location.name, spec, period, location, today, members, note, read)
    if not counties:
        write_layout(book, actor, PROGRESS_NAME, spec, period, None, today, [])
    return ExportFile(
        book.close(),
        f"{period.plan.short_name}重大工程项目推进情况表_分县区_{period_label(period)}.xlsx",
        f"progress-by-county-{period.code}.xlsx",
    )


@collector_paused()
def export_supervision(
    actor, period: ReportingPeriod, filters: ProjectFilters, today: date | None = None
) -> ExportFile:
    """The 督办清单 of a period: the user's visible, filtered projects at red or yellow, or under an open
    督办 item."""
    spec, book = supervision_spec(), Book()
    projects = load_projects(actor, spec, period, None, filters)
    write_layout(book, actor, SUPERVISION_NAME, spec, period, None, today or local_today(), projects)
    return ExportFile(
        book.close(),
        f"{period.plan.short_name}重大工程项目督办清单_{period_label(period)}.xlsx",
        f"supervision-{period.code}.xlsx",
    )
