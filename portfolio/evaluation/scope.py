"""The one scope rule for the evaluation report: a county officer's page, workbook and comparison hold
only the projects that officer answers for (the rule of permissions.visible_projects), with every count,
group and total recomputed from those rows, so no figure of another county shows through."""

from portfolio.data_version import remembered
from portfolio.db import session
from portfolio.evaluation.adjustments import adjustment_totals
from portfolio.evaluation.models import EvaluationRound, ProjectClass
from portfolio.evaluation.queries import list_visible_project_ids
from portfolio.evaluation.snapshot import INACTIVE_LINE, MULTI_COUNTY, NO_COUNTY, group_rows, report_data

TOTAL = "合计"


def report_for(round_: EvaluationRound, user) -> dict:
    """The round's report (frozen or live) as this user may see it, remembered per data version."""
    return remembered(session, ("evaluation.report_for", round_.id, user.id), lambda: _scoped(round_, user))


def _scoped(round_: EvaluationRound, user) -> dict:
    data = report_data(round_)
    visible = list_visible_project_ids(user, round_.plan_id)
    rows = [r for r in data["projects"] if r["project_id"] in visible]
    if len(rows) == len(data["projects"]):
        return data
    categories = [g["name"] for g in data["by_category"] if g["name"] not in (TOTAL, INACTIVE_LINE)]
    counties = [g["name"] for g in data["by_county"] if g["name"] not in (TOTAL, INACTIVE_LINE)]
    for extra in (MULTI_COUNTY, NO_COUNTY):
        if extra not in counties:
            counties.append(extra)
    return data | {
        "projects": rows,
        "class_counts": {k.value: sum(1 for r in rows if r["final_class"] == k.value) for k in ProjectClass},
        "by_category": group_rows(rows, "category", categories),
        "by_county": group_rows(rows, "county", counties),
        "adjustments": data.get("adjustments")
        and data["adjustments"] | adjustment_totals(data["adjustments"], visible),
        "scope_note": "本报告仅含您负责（所在县区或所在单位牵头、配合）的项目。",
    }
