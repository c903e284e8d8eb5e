"""The portfolio summary: project count, investment and warnings by category and by county.

A fixed number of statements. When the plan's picture date is a period end the grouping runs in SQL over the
progress read model, summing amounts as whole ten-thousandths so they stay exact; otherwise (today inside an
open period) the projects' live progress is grouped in Python into the same rows. Either way the grouped
rows are remembered until the data version changes.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Integer,
    Numeric,
    Select,
    String,
    case,
    cast,
    func,
    literal,
    null,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from portfolio.data_version import remembered, statement_key
from portfolio.db import session
from portfolio.definitions.investment import rate_for_display
from portfolio.numbers import READABLE_MAX_WAN
from portfolio.permissions import county_link_parts, county_links
from portfolio.projects.models import (
    AnnualPlan,
    Category,
    LifecycleStatus,
    Location,
    Plan,
    Project,
)
from portfolio.projects.queries import ProjectFilters, filtered_projects, get_selected_plan
from portfolio.reporting.models import ProgressRow
from portfolio.reporting.progress import (
    INACTIVE_STATUSES,
    PROGRESS_INPUTS,
    ProjectProgress,
    anchor_period_id,
    default_as_of,
    level_in_sql,
    progress_for,
)
from portfolio.reporting.warnings import Level

ZERO = Decimal(0)
SCALE = Decimal(10000)  # amounts have four decimal places: summed as integers, they sum exactly


@dataclass
class SummaryRow:
    label: str
    key: int | None = None
    count: int = 0
    total_wan: Decimal = ZERO
    span_wan: Decimal = ZERO
    done_wan: Decimal = ZERO  # approved investment completed so far
    levels: Counter = field(default_factory=Counter)
    # The rate's numerator and denominator leave out withdrawn and cancelled projects.
    rate_span_wan: Decimal = ZERO
    rate_done_wan: Decimal = ZERO

    def add(self, project, progress: ProjectProgress) -> None:
        self.count += 1
        self.total_wan += project.total_investment_wan or ZERO  # Numeric columns load as Decimal
        self.span_wan += project.span_investment_wan or ZERO
        self.done_wan += progress.cumulative_invested_wan
        self.levels[progress.warning.level] += 1
        if project.status not in INACTIVE_STATUSES:
            self.rate_span_wan += project.span_investment_wan or ZERO
            self.rate_done_wan += progress.cumulative_invested_wan

    def add_group(self, level: Level, count: int, total: int, span: int, done: int, *_year) -> None:
        """Add a group of projects counted and summed in SQL (amounts in ten-thousandths of 万元)."""
        self.count += count
        self.total_wan += Decimal(total) / SCALE
        self.span_wan += Decimal(span) / SCALE
        self.done_wan += Decimal(done) / SCALE
        self.levels[level] += count
        if level != Level.INACTIVE:  # exactly the withdrawn and cancelled projects
            self.rate_span_wan += Decimal(span) / SCALE
            self.rate_done_wan += Decimal(done) / SCALE

    @property
    def done_rate(self) -> Decimal | None:
        """规划期投资完成率 (portfolio.definitions.investment.SPAN_RATE), rounded for display."""
        return rate_for_display(self.rate_done_wan, self.rate_span_wan)


@dataclass
class Summary:
    plan: Plan
    as_of: date
    total: SummaryRow
    by_category: list[SummaryRow]
    by_county: list[SummaryRow]
    levels: tuple[Level, ...] = (Level.GREEN, Level.YELLOW, Level.RED, Level.UNREPORTED, Level.INACTIVE)


def get_summary(user, filters: ProjectFilters) -> Summary:
    """Totals of the user's visible projects in the selected plan, by category and by county."""
    plan = get_selected_plan(filters.plan_id)
    as_of = default_as_of(plan)
    categories = session.scalars(
        select(Category).where(Category.plan_id == plan.id).order_by(Category.number)
    ).all()
    by_category = {c.id: SummaryRow(f"{c.number}. {c.name}", c.id) for c in categories}
    locations = session.scalars(select(Location).order_by(Location.sort_order)).all()
    by_county = {loc.id: SummaryRow(loc.name, loc.id) for loc in locations}
    total = SummaryRow("合计")
    stmt = filtered_projects(user, filters, plan)
    group_in_sql(stmt, anchor_period_id(plan.id, as_of), total, by_category, by_county, as_of=as_of)
    return Summary(plan, as_of, total, list(by_category.values()), list(by_county.values()))


class _TenThousandths(FunctionElement):
    """SUM of an amount in 万元 as a whole number of ten-thousandths, exactly: SQLite stores amounts as
    floats, so each is rounded to an integer before it is added; PostgreSQL adds numerics exactly, and
    scaling each of 10,000 values first would only cost numeric arithmetic per row."""

    inherit_cache = True
    type = Numeric()


@compiles(_TenThousandths)
def _sum_scaled_rows(element, compiler, **kw):
    (value,) = element.clauses
    return compiler.process(func.coalesce(func.sum(cast(func.round(value * SCALE), BigInteger)), 0), **kw)


@compiles(_TenThousandths, "postgresql")
def _scale_the_sum(element, compiler, **kw):
    (value,) = element.clauses
    return compiler.process(func.coalesce(func.sum(value), 0) * SCALE, **kw)


def _sane(column):
    # A value no form would accept (say, infinity written before the checks existed) is read as blank, as
    # numbers.readable does in Python; otherwise the scaled cast overflows and takes the page down.
    return case((func.abs(column) <= READABLE_MAX_WAN, column), else_=None)


def group_in_sql(
    stmt: Select,
    anchor: int | None,
    total,
    by_category: dict,
    by_county: dict,
    year=None,
    statuses=None,
    as_of: date | None = None,
) -> None:
    """Count and sum by category, by county and by warning level from the read model; rows without a key
    in the dicts are left out. With `year`, also that year's approved investment, annual plan and the
    approved investment of projects with a plan that year. With `statuses` (a Counter), also count the
    projects by lifecycle status. With no anchor (`as_of` is no period end, such as today inside an open
    period) the same rows come from progress computed live and grouped in Python (_grouped_rows_live).

    One statement: each project's level and amounts are worked out once (a common table expression, which
    both databases materialise as it is read three times), then grouped by category and by each half of
    the county links. Its rows are remembered until the data version changes (portfolio.data_version).
    """
    with_statuses = statuses is not None
    if anchor is None:
        key = ("group live", statement_key(stmt), as_of, year, with_statuses)
        rows = remembered(session, key, lambda: _grouped_rows_live(stmt, as_of, year, with_statuses))
    else:
        key = ("group_in_sql", statement_key(stmt), anchor, year, with_statuses)
        rows = remembered(session, key, lambda: _grouped_rows(stmt, anchor, year, with_statuses))
    for kind, key, label, *values in rows:
        if kind == 0:
            total.add_group(Level(label), *values)
            if key in by_category:
                by_category[key].add_group(Level(label), *values)
        elif kind == 1 and key in by_county:
            by_county[key].add_group(Level(label), *values)
        elif kind == 2:
            statuses[LifecycleStatus(label)] += values[0]


def _grouped_rows(stmt: Select, anchor: int, year, with_statuses: bool) -> list[tuple]:
    """The grouping statement of group_in_sql, run: (kind, key, label, count, sums...) as plain tuples."""
    projects = stmt.with_only_columns(
        Project.id,
        Project.category_id,
        Project.status,
        Project.total_investment_wan,
        Project.span_investment_wan,
    ).subquery()
    joined = projects.outerjoin(
        ProgressRow, (ProgressRow.project_id == projects.c.id) & (ProgressRow.period_id == anchor)
    )
    amounts = [
        projects.c.total_investment_wan,
        projects.c.span_investment_wan,
        ProgressRow.cumulative_invested_wan,
    ]
    planned = []
    if year is not None:
        on_year = (AnnualPlan.project_id == projects.c.id) & (AnnualPlan.year == year)
        joined = joined.outerjoin(AnnualPlan, on_year)
        has_plan = AnnualPlan.amount_wan > 0  # only these count in the annual rate (definitions ANNUAL_RATE)
        amounts += [
            ProgressRow.year_invested_wan,
            AnnualPlan.amount_wan,
            case((has_plan, ProgressRow.year_invested_wan), else_=None),
        ]
        planned = [case((has_plan, 1), else_=None).label("planned")]
    figures = (
        select(
            projects.c.id,
            projects.c.category_id,
            projects.c.status,
            level_in_sql(projects.c.status).label("level"),
            *[_sane(amount).label(f"amount_{i}") for i, amount in enumerate(amounts)],
            *planned,
        )
        .select_from(joined)
        .cte("figures")
    )
    sums = [func.count(), *[_TenThousandths(figures.c[f"amount_{i}"]) for i in range(len(amounts))]]
    if planned:
        sums.append(func.count(figures.c.planned))  # projects with a plan that year

    def grouped(kind: int, key, source, label=figures.c.level):
        # Read back as plain text: the union's column would otherwise take the level's enum type.
        shown = type_coerce(label, String)
        return select(literal(kind), key, shown, *sums).select_from(source).group_by(key, label)

    parts = [grouped(0, figures.c.category_id, figures)]
    for links in (part.subquery() for part in county_link_parts()):
        parts.append(grouped(1, links.c.county_id, figures.join(links, links.c.project_id == figures.c.id)))
    if with_statuses:  # no key: its rows carry the status where the others carry the level
        parts.append(grouped(2, cast(null(), Integer), figures, label=figures.c.status))
    return [tuple(row) for row in session.execute(union_all(*parts))]


def _grouped_rows_live(stmt: Select, as_of: date, year, with_statuses: bool) -> list[tuple]:
    """The rows _grouped_rows gives, for a date that is no period end: each project's progress computed live
    (for today, remembered for the whole plan) and grouped here, with amounts as whole ten-thousandths."""
    columns = (Project.category_id, Project.total_investment_wan, Project.span_investment_wan)
    projects = session.execute(stmt.with_only_columns(*PROGRESS_INPUTS, *columns)).all()
    progress = progress_for(projects, as_of)
    groups: dict[tuple, list] = {}

    def add(kind: int, key, label: str, values: list) -> None:
        group = groups.setdefault((kind, key, label), [0] * len(values))
        for i, value in enumerate(values):
            group[i] += value

    by_id = {}
    for project in projects:
        shown = progress[project.id]
        amounts = [project.total_investment_wan, project.span_investment_wan, shown.cumulative_invested_wan]
        planned = []
        if year is not None:
            has_plan = (shown.annual_plan_wan or ZERO) > 0
            amounts += [shown.year_invested_wan, shown.annual_plan_wan]
            amounts.append(shown.year_invested_wan if has_plan else None)
            planned = [int(has_plan)]
        values = [1, *[_scaled(amount) for amount in amounts], *planned]
        by_id[project.id] = (shown.warning.level.value, values)
        add(0, project.category_id, shown.warning.level.value, values)
        if with_statuses:
            add(2, None, project.status.value, values)
    for project_id, county_id in session.execute(select(county_links(stmt.with_only_columns(Project.id)))):
        add(1, county_id, *by_id[project_id])
    return [(*key, *values) for key, values in groups.items()]


def _scaled(amount: Decimal | None) -> int:
    """An amount in whole ten-thousandths of 万元, as the SQL sums take it (blank or absurd: nothing)."""
    if amount is None or abs(amount) > READABLE_MAX_WAN:
        return 0
    return int((amount * SCALE).to_integral_value())
