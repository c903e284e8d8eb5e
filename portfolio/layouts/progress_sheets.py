"""The 调度表 and the per-county workbook, produced from the built-in layout (builtin.progress_spec).

The export page's routes and the export-progress command call these; the project list's filters narrow
the projects, and the funding columns ticked on the export page join the layout.
"""

from datetime import date

from portfolio.exports.queries import list_locations
from portfolio.exports.services import _by_county as by_county
from portfolio.exports.services import shared_note
from portfolio.exports.sheet_layout import Book, ExportFile, period_label
from portfolio.funding.columns import FundingChoice, choose_columns
from portfolio.layouts.builtin import PROGRESS_NAME, progress_spec, with_funding
from portfolio.layouts.sheets import load_projects, write_layout
from portfolio.localtime import local_today
from portfolio.projects.models import Location
from portfolio.projects.queries import ProjectFilters
from portfolio.reporting.models import ReportingPeriod


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
    spec = progress_spec()
    if funding:
        spec = with_funding(spec, choose_columns(period.plan_id, funding))
    book = Book()
    projects = load_projects(actor, spec, period, county, filters)
    write_layout(book, actor, PROGRESS_NAME, spec, period, county, today or local_today(), projects)
    where = f"_{county.name}" if county else ""
    return ExportFile(
        book.close(),
        f"{period.plan.short_name}重大工程项目推进情况表{where}_{period_label(period)}.xlsx",
        f"progress-{period.code}.xlsx",
    )


def export_county_sheets(
    actor, period: ReportingPeriod, filters: ProjectFilters, today: date | None = None
) -> ExportFile:
    """One workbook, one progress sheet per county holding what that county's officer sees on the web
    (a project built in one county and led by another's unit appears in both, with a note)."""
    spec, book, today = progress_spec(), Book(), today or local_today()
    projects = load_projects(actor, spec, period, None, filters)
    counties = by_county(actor, projects)
    names = {location.id: location.name for location in list_locations(None)}
    for location, members in counties:
        note = shared_note(location, members, names)
        write_layout(book, actor, location.name, spec, period, location, today, members, note)
    if not counties:
        write_layout(book, actor, PROGRESS_NAME, spec, period, None, today, [])
    return ExportFile(
        book.close(),
        f"{period.plan.short_name}重大工程项目推进情况表_分县区_{period_label(period)}.xlsx",
        f"progress-by-county-{period.code}.xlsx",
    )
