"""The evaluation report as plain JSON-ready data: built live for a draft round, frozen when finalized.

The page, the charts and the workbook all render from this one dict, so a finalized round shows
exactly what was signed, whatever reports or indicator values arrive later.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from portfolio.data_version import remembered
from portfolio.db import money, session, utcnow
from portfolio.evaluation.adjustments import adjustment_section, project_adjustments
from portfolio.evaluation.classify import CLASS_RULE, Classification, classify_project
from portfolio.evaluation.indicator_assessment import (
    PRO_RATA_RULE,
    IndicatorStatus,
    assess_indicator,
    fmt,
)
from portfolio.evaluation.models import (
    EvaluationRound,
    Indicator,
    ProjectAssessment,
    ProjectClass,
    RoundStatus,
    TargetKind,
)
from portfolio.evaluation.queries import (
    list_completion_dates,
    list_indicator_values,
    list_indicators,
    year_values,
)
from portfolio.evaluation.report_reads import Assessed, list_assessed
from portfolio.evaluation.verdicts import list_verdicts
from portfolio.projects.models import LifecycleStatus, Plan, Project
from portfolio.projects.status_history import list_status_changes, status_on
from portfolio.reporting.progress import ProjectProgress, progress_for

SNAPSHOT_VERSION = 1
MULTI_COUNTY = "跨县区"
NO_COUNTY = "未填县区"
ZERO = Decimal(0)


@dataclass(frozen=True)
class _AsOf:
    """What the progress read model needs of a project, with the status in force at the round's date."""

    id: int
    plan_id: int
    status: LifecycleStatus
    planned_start: date | None
    planned_end: date | None


def classify_all(plan: Plan, projects: list[Project], as_of: date) -> tuple[dict, dict]:
    """project_id → Classification and project_id → ProjectProgress, in a fixed number of statements.

    Each project is read with the status in force at the date (its status history), not today's.
    """
    history = list_status_changes(p.id for p in projects)
    then = {p.id: status_on(p.status, history.get(p.id, []), as_of) for p in projects}
    rows = [_AsOf(p.id, p.plan_id, then[p.id], p.planned_start, p.planned_end) for p in projects]
    progress = progress_for(rows, as_of)
    full = list_completion_dates(plan, as_of)
    classes = {p.id: classify_project(p, progress[p.id], full.get(p.id), as_of, then[p.id]) for p in projects}
    return classes, progress


def report_data(round_: EvaluationRound) -> dict:
    """What the report shows: the frozen snapshot of a finalized round, else the live figures.

    Remembered until anything is written (portfolio.data_version): a live report classifies every project
    of the plan (seconds at 10,000), and a snapshot is megabytes of JSON to parse. Nobody mutates it.
    """
    return remembered(session, ("evaluation.report", round_.id), lambda: _report_data(round_))


def _report_data(round_: EvaluationRound) -> dict:
    if round_.status == RoundStatus.FINALIZED and round_.snapshot:
        return round_.snapshot
    return build_report(round_)


def target_display(indicator: Indicator) -> str:
    text = indicator.target_text or "—"
    if indicator.target_kind == TargetKind.PROVINCIAL and indicator.target_value is not None:
        return f"按省下达：{text}"
    return text


def _with_verdict(result, verdict):
    """A reviewer's verdict on a qualitative indicator replaces 需人工研判, keeping what was reported."""
    if verdict is None or result.status != IndicatorStatus.MANUAL:
        return result.status.value, result.label, result.explanation
    status = IndicatorStatus(verdict.verdict)
    return (
        status.value,
        status.label,
        f"评审结论：{status.label}。理由：{verdict.reason}（{result.explanation}）",
    )


def indicator_rows(plan: Plan, as_of_year: int, verdicts: dict | None = None) -> list[dict]:
    """Each indicator of the plan with its yearly values and its assessment as of the year.

    `verdicts` (indicator_id → IndicatorVerdict) are a round's reviewer verdicts on qualitative indicators.
    """
    verdicts = verdicts or {}
    indicators = list_indicators(plan.id)
    values = list_indicator_values([i.id for i in indicators])
    rows = []
    for ind in indicators:
        mine = values.get(ind.id, {})
        result = assess_indicator(ind, year_values(mine), as_of_year, plan.baseline_year, plan.end_year)
        status, label, explanation = _with_verdict(result, verdicts.get(ind.id))
        rows.append(
            {
                "id": ind.id,
                "seq": ind.seq,
                "category": ind.category,
                "name": ind.name,
                "unit": ind.unit or "",
                "baseline": ind.baseline_text or "—",
                "target": target_display(ind),
                "kind": ind.target_kind.label,
                "binding": "约束性" if ind.binding else "预期性",
                "values": {
                    str(y): (v.value_text or fmt(v.value)) for y, v in sorted(mine.items()) if y <= as_of_year
                },
                "status": status,
                "status_label": label,
                "explanation": explanation,
                "qualitative": ind.target_kind == TargetKind.QUALITATIVE,
            }
        )
    return rows


def _county(project: Assessed) -> str:
    if len(project.locations) > 1:
        return MULTI_COUNTY
    return project.locations[0].name if project.locations else NO_COUNTY


def _num(value) -> str | None:
    return None if value is None else str(value)


def _project_row(a: Assessed, c: Classification, pr: ProjectProgress) -> dict:
    return {
        "assessment_id": a.assessment_id,
        "project_id": a.id,
        "seq_no": a.seq_no,
        "name": a.name,
        "category": a.category,
        "county": _county(a),
        "lead_unit": a.lead_unit,
        "span_investment_wan": _num(money(a.span_investment_wan)),
        "planned_to_date_wan": str(money(a.planned_to_date_wan)),
        "cumulative_invested_wan": _num(pr.cumulative_invested_wan),
        "computed_class": a.computed_class.value,
        "final_class": a.final_class.value,
        "final_label": a.final_class.label,
        "overridden": a.final_class != a.computed_class,
        "live_class": c.klass.value,
        "reason": c.reason,
        "expected_pct": _num(c.expected_pct),
        "actual_pct": _num(c.actual_pct),
        "behind_points": _num(c.behind_points),
        "behind_months": c.behind_months,
        "problems": pr.problems or "",
        "override_reason": a.override_reason or "",
        "score": _num(a.score),
        "comment": a.comment or "",
        "reviewer": a.reviewer or "",
    }


def _rate(done: Decimal, planned: Decimal) -> str | None:
    if not planned:
        return None
    return str((done / planned * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


INACTIVE = (ProjectClass.WITHDRAWN.value, ProjectClass.CANCELLED.value)
INACTIVE_LINE = "调出、取消项目（单列，不计入合计和完成率）"


def _group_row(name: str, mine: list[dict], counted: list[dict]) -> dict:
    """Counts by class of `mine`; investment and rates of `counted` (withdrawn and cancelled left out)."""
    span = sum((Decimal(r["span_investment_wan"] or 0) for r in counted), ZERO)
    planned = sum((Decimal(r["planned_to_date_wan"] or 0) for r in counted), ZERO)
    done = sum((Decimal(r["cumulative_invested_wan"] or 0) for r in counted), ZERO)
    counts = Counter(r["final_class"] for r in mine)
    return {
        "name": name,
        "projects": len(mine),
        "counts": {k.value: counts.get(k.value, 0) for k in ProjectClass},
        "span_investment_wan": str(money(span)),
        "cumulative_invested_wan": str(money(done)),
        "completion_pct": _rate(done, span),
        "planned_to_date_wan": str(money(planned)),
        "plan_rate_pct": _rate(done, planned),
    }


def group_rows(rows: list[dict], key: str, order: list[str]) -> list[dict]:
    """Each value of `key` in order, a total row, then withdrawn and cancelled projects on their own line."""
    members: dict[str, list[dict]] = {}
    for r in rows:  # one pass, not one over all the rows per group (23 counties and categories)
        members.setdefault(r[key], []).append(r)
    groups = []
    for name in [*order, None]:
        mine = rows if name is None else members.get(name, [])
        if name is not None and not mine and key == "county":
            continue
        counted = [r for r in mine if r["final_class"] not in INACTIVE]
        groups.append(_group_row(name or "合计", mine, counted))
    inactive = [r for r in rows if r["final_class"] in INACTIVE]
    if inactive:
        line = _group_row(INACTIVE_LINE, inactive, inactive)
        line["completion_pct"] = line["plan_rate_pct"] = None
        groups.append(line)
    return groups


CONCERNS = (ProjectClass.LAGGING.value, ProjectClass.NOT_STARTED.value)


def concern_rows(data: dict) -> list[dict]:
    """The report's 滞后及未启动项目: rows whose final class is lagging or not started."""
    return [p for p in data["projects"] if p["final_class"] in CONCERNS]


def comment_rows(data: dict) -> list[dict]:
    """The report's 评审意见: rows a reviewer scored, commented on or reclassified with a reason."""
    return [p for p in data["projects"] if p["comment"] or p["override_reason"] or p["score"]]


def assessment_rows(round_: EvaluationRound, assessment_id: int | None = None) -> list[dict]:
    """The report's rows of the round's assessments (or one), with the live classification and progress."""
    assessed = list_assessed(round_, assessment_id)
    classes, progress = classify_all(round_.plan, assessed, round_.as_of)
    return [_project_row(a, classes[a.id], progress[a.id]) for a in assessed]


def assessment_detail(assessment: ProjectAssessment) -> dict | None:
    """One project's row as the report shows it: frozen in a finalized round, else live."""
    round_ = assessment.round
    if round_.status == RoundStatus.FINALIZED and round_.snapshot:
        rows = round_.snapshot.get("projects", [])
        return next((r for r in rows if r["assessment_id"] == assessment.id), None)
    return assessment_rows(round_, assessment.id)[0]


def build_report(round_: EvaluationRound) -> dict:
    """The round's report, computed now from the database."""
    plan = round_.plan
    assessed = list_assessed(round_)
    classes, progress = classify_all(plan, assessed, round_.as_of)
    rows = [_project_row(a, classes[a.id], progress[a.id]) for a in assessed]
    places = {loc.name: loc.sort_order for a in assessed for loc in a.locations}
    indicators = indicator_rows(plan, round_.as_of.year, list_verdicts(round_))
    county_order = sorted(places, key=places.get)
    adjustments = adjustment_section(plan)
    marks = project_adjustments(adjustments)
    for row in rows:  # the project section reads each project against the original plan
        row["adjustment"], row["baseline_span_investment_wan"] = marks.get(row["project_id"], ("", None))
    return {
        "version": SNAPSHOT_VERSION,
        "round": {"id": round_.id, "name": round_.name, "as_of": round_.as_of.isoformat()},
        "plan": {"name": plan.name, "short_name": plan.short_name, "years": plan.years},
        "built_at": utcnow().isoformat(timespec="seconds"),
        "rules": {"indicator": PRO_RATA_RULE, "project": CLASS_RULE},
        "indicators": indicators,
        "indicator_counts": {
            s.value: sum(1 for i in indicators if i["status"] == s.value) for s in IndicatorStatus
        },
        "projects": rows,
        "class_counts": {k.value: sum(1 for r in rows if r["final_class"] == k.value) for k in ProjectClass},
        "by_category": group_rows(rows, "category", [c.name for c in plan.categories]),
        "by_county": group_rows(rows, "county", [*county_order, MULTI_COUNTY, NO_COUNTY]),
        "adjustments": adjustments,
    }
