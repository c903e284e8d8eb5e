"""Reads for the evaluation pages: rounds, assessments, indicators and their values.

Each read issues a fixed number of SQL statements however many projects or indicators there are.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from portfolio.data_version import remembered, statement_key
from portfolio.db import session
from portfolio.errors import NotFound
from portfolio.evaluation.indicator_assessment import YearValue
from portfolio.evaluation.models import (
    EvaluationRound,
    Indicator,
    IndicatorValue,
    ProjectAssessment,
    ProjectClass,
)
from portfolio.permissions import visible_projects
from portfolio.projects.models import Category, Plan, Project, ProjectUnit
from portfolio.reporting.models import ReportingPeriod, ReportStatus, StatusReport
from portfolio.reporting.place_names import list_place_names


def _project_loads(path, full: bool = True):
    """What pages need of each project; classification (`full`) also needs milestones and annual plans."""
    loads = [
        path.selectinload(Project.category),
        path.selectinload(Project.locations),
        path.selectinload(Project.unit_links).selectinload(ProjectUnit.unit),
    ]
    if full:
        loads += [path.selectinload(Project.milestones), path.selectinload(Project.annual_plans)]
    return tuple(loads)


def list_rounds(plan_id: int | None = None) -> list[EvaluationRound]:
    stmt = select(EvaluationRound).options(selectinload(EvaluationRound.plan))
    if plan_id is not None:
        stmt = stmt.where(EvaluationRound.plan_id == plan_id)
    return list(session.scalars(stmt.order_by(EvaluationRound.plan_id, EvaluationRound.as_of)).all())


def get_round(round_id: int) -> EvaluationRound:
    found = session.get(EvaluationRound, round_id)
    if found is None:
        raise NotFound("评估轮次不存在。")
    return found


def get_assessment(assessment_id: int) -> ProjectAssessment:
    stmt = (
        select(ProjectAssessment)
        .where(ProjectAssessment.id == assessment_id)
        .options(
            selectinload(ProjectAssessment.round), *_project_loads(selectinload(ProjectAssessment.project))
        )
    )
    found = session.scalar(stmt)
    if found is None:
        raise NotFound("评估记录不存在。")
    return found


def _in_round(stmt: Select, round_: EvaluationRound, user, klass: ProjectClass | None) -> Select:
    """The round's assessments in the user's scope (of one class, if given), in annex order."""
    stmt = (
        stmt.join(Project, Project.id == ProjectAssessment.project_id)
        .join(Category, Category.id == Project.category_id)
        .where(ProjectAssessment.round_id == round_.id)
        .order_by(Category.number, Project.seq_no, Project.id)
    )
    if user is not None:
        stmt = stmt.where(visible_projects(user))
    if klass is not None:
        stmt = stmt.where(ProjectAssessment.final_class == klass)
    return stmt


def _assessments(round_: EvaluationRound, user, klass: ProjectClass | None, full: bool):
    return _in_round(select(ProjectAssessment), round_, user, klass).options(
        *_project_loads(selectinload(ProjectAssessment.project), full)
    )


def list_assessments(
    round_: EvaluationRound, user=None, klass: ProjectClass | None = None, full: bool = True
) -> list[ProjectAssessment]:
    """A round's assessments in annex order; a county officer sees only their own projects."""
    return list(session.scalars(_assessments(round_, user, klass, full)).all())


ROUND_PAGE_SIZE = 100


@dataclass(frozen=True)
class AssessmentLine:
    """One row of the round page: only what it shows."""

    id: int
    seq_no: int | None
    name: str
    category: str
    counties: str
    lead_unit: str
    computed_class: ProjectClass
    final_class: ProjectClass
    reviewed: bool
    score: Decimal | None
    comment: str | None


@dataclass
class AssessmentPage:
    assessments: tuple[AssessmentLine, ...]
    total: int
    page: int
    pages: int
    requested: int


def list_assessment_page(
    round_: EvaluationRound,
    user,
    klass: ProjectClass | None,
    page: int,
    counts: dict[str, int],
    page_size: int = ROUND_PAGE_SIZE,
) -> AssessmentPage:
    """One page of a round's assessments in annex order; past the end shows the last page.

    `counts` are count_assessments_by_class for the same user, which the page shows anyway: the total is
    theirs. The page's ids are sorted first (narrow rows), then only the shown columns of those rows are
    read as plain values (building ORM projects with their links was most of the page at 10,000). The rows
    are remembered per data version under the scoped statement with its values and the page.
    """
    total = counts.get(str(klass), 0) if klass is not None else sum(counts.values())
    pages = max((total + page_size - 1) // page_size, 1)
    shown = min(max(page, 1), pages)
    stmt = _in_round(select(ProjectAssessment.project_id), round_, user, klass)
    key = statement_key(stmt)
    if key is not None:
        key = ("round_page", key, shown, page_size)

    def read() -> tuple[AssessmentLine, ...]:
        ids = session.scalars(stmt.limit(page_size).offset((shown - 1) * page_size)).all()
        return _lines(round_, ids)

    return AssessmentPage(remembered(session, key, read), total, shown, pages, page)


def _lines(round_: EvaluationRound, project_ids: list[int]) -> tuple[AssessmentLine, ...]:
    if not project_ids:
        return ()
    locations, units = list_place_names(project_ids)
    stmt = (
        select(
            Project.id,
            ProjectAssessment.id,
            Project.seq_no,
            Project.name,
            Category.name,
            ProjectAssessment.computed_class,
            ProjectAssessment.final_class,
            ProjectAssessment.reviewer_id,
            ProjectAssessment.score,
            ProjectAssessment.comment,
        )
        .join(Project, Project.id == ProjectAssessment.project_id)
        .join(Category, Category.id == Project.category_id)
        .where(ProjectAssessment.round_id == round_.id, Project.id.in_(project_ids))
    )
    found = {row[0]: row for row in session.execute(stmt)}
    lines = []
    for pid in project_ids:
        _, aid, seq_no, name, category, computed, final, reviewer, score, comment = found[pid]
        lead = next((unit for unit, is_lead in units.get(pid, ()) if is_lead), "")
        counties = "、".join(locations.get(pid, ()))
        lines.append(
            AssessmentLine(
                aid,
                seq_no,
                name,
                category,
                counties,
                lead,
                computed,
                final,
                reviewer is not None,
                score,
                comment,
            )
        )
    return tuple(lines)


def count_assessments_by_class(round_: EvaluationRound, user=None) -> dict[str, int]:
    stmt = (
        select(ProjectAssessment.final_class, func.count())
        .join(Project, Project.id == ProjectAssessment.project_id)
        .where(ProjectAssessment.round_id == round_.id)
        .group_by(ProjectAssessment.final_class)
    )
    if user is not None:
        stmt = stmt.where(visible_projects(user))
    key = statement_key(stmt)
    # Remembered per data version: every round page shows the counts.
    counts = remembered(
        session,
        key and ("round_counts", key),
        lambda: tuple((str(k), n) for k, n in session.execute(stmt).all()),
    )
    return dict(counts)


def list_visible_project_ids(user, plan_id: int) -> set[int]:
    """Ids of the plan's projects this user may see (the one rule: permissions.visible_projects)."""
    stmt = select(Project.id).where(Project.plan_id == plan_id, visible_projects(user))
    return set(session.scalars(stmt))


def list_plan_projects(plan: Plan) -> list[Project]:
    """Every project of the plan with what classification and the report need, in annex order."""
    stmt = (
        select(Project)
        .join(Category, Category.id == Project.category_id)
        .where(Project.plan_id == plan.id)
        .options(
            selectinload(Project.category),
            selectinload(Project.locations),
            selectinload(Project.milestones),
            selectinload(Project.unit_links).selectinload(ProjectUnit.unit),
        )
        .order_by(Category.number, Project.seq_no, Project.id)
    )
    return list(session.scalars(stmt).all())


def list_completion_dates(plan: Plan, as_of: date) -> dict[int, date]:
    """project_id → end of the first period whose approved report says 100 %, up to the date."""
    stmt = (
        select(StatusReport.project_id, func.min(ReportingPeriod.ends_on))
        .join(ReportingPeriod, ReportingPeriod.id == StatusReport.period_id)
        .where(
            ReportingPeriod.plan_id == plan.id,
            ReportingPeriod.ends_on <= as_of,
            StatusReport.status == ReportStatus.APPROVED,
            StatusReport.percent_complete >= 100,
        )
        .group_by(StatusReport.project_id)
    )
    return dict(session.execute(stmt).all())


def list_indicators(plan_id: int | None = None) -> list[Indicator]:
    stmt = select(Indicator).options(selectinload(Indicator.plan)).order_by(Indicator.plan_id, Indicator.seq)
    if plan_id is not None:
        stmt = stmt.where(Indicator.plan_id == plan_id)
    return list(session.scalars(stmt).all())


def get_indicator(indicator_id: int) -> Indicator:
    found = session.get(Indicator, indicator_id)
    if found is None:
        raise NotFound("指标不存在。")
    return found


def list_indicator_values(indicator_ids: list[int]) -> dict[int, dict[int, IndicatorValue]]:
    """indicator_id → {year: value row}."""
    result: dict[int, dict[int, IndicatorValue]] = defaultdict(dict)
    if not indicator_ids:
        return result
    stmt = select(IndicatorValue).where(IndicatorValue.indicator_id.in_(indicator_ids))
    for row in session.scalars(stmt).all():
        result[row.indicator_id][row.year] = row
    return result


def year_values(rows: dict[int, IndicatorValue]) -> dict[int, YearValue]:
    return {year: YearValue(row.value, row.value_text) for year, row in rows.items()}
