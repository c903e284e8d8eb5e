"""The list's filters as the API reads them: a malformed or unknown value is a 400, never ignored.

The web list drops a bad value and shows the unfiltered list, which a person sees at once; a program that
sent county=xyz or plan=999 would take every project (or another plan's) for the answer it asked for.
"""

from portfolio.errors import DomainError, NotFound
from portfolio.numbers import parse_int
from portfolio.projects.models import LifecycleStatus
from portfolio.projects.queries import SORTS, ProjectFilters, get_selected_plan

ID_PARAMS = ("plan", "category", "subcategory", "county", "unit", "page")


class BadFilter(DomainError):
    status = 400


def read_filters(args) -> ProjectFilters:
    """ProjectFilters from the query string, or BadFilter naming the first parameter that is wrong."""
    for key in ID_PARAMS:
        raw = (args.get(key) or "").strip()
        if raw and parse_int(raw) is None:
            raise BadFilter(f"参数 {key} 应为正整数，收到“{raw[:50]}”。")
    checks = (
        ("status", [s.value for s in LifecycleStatus]),
        ("sort", list(SORTS)),
        ("dir", ["asc", "desc"]),
    )
    for key, allowed in checks:
        raw = args.get(key)
        if raw not in (None, "") and raw not in allowed:
            raise BadFilter(f"参数 {key} 应为 {'、'.join(allowed)} 之一，收到“{raw[:50]}”。")
    filters = ProjectFilters.from_args(args)
    if filters.plan_id is not None and get_selected_plan(filters.plan_id).id != filters.plan_id:
        raise NotFound(f"没有编号为 {filters.plan_id} 的规划。")
    return filters
