"""The API: endpoints and their guard (a bearer token only, never cookies; the permission table; rate limit).

Every request with a live token is counted and audited (portfolio/tokens/metering.py); refusals also go
to the security log. Each endpoint loads, checks the token user's permission, and returns JSON.
"""

import logging
from functools import wraps

from flask import current_app, g, jsonify, request

from portfolio import csrf
from portfolio.api import bp
from portfolio.api.errors import api_error
from portfolio.api.filters import read_filters
from portfolio.api.openapi import build_spec
from portfolio.api.serialize import (
    definition_values,
    funding_values,
    milestone_values,
    num,
    period_values,
    project_row,
    report_values,
    source_total,
    summary_row,
)
from portfolio.db import utcnow, write_intent
from portfolio.definitions import find_definition, list_definitions
from portfolio.errors import DomainError
from portfolio.funding.queries import funds_by_report, get_project_funding, get_source_totals
from portfolio.numbers import parse_int
from portfolio.opendata.oc4ids import export_package
from portfolio.permissions import ROLE_ACTIONS, can, role_allows
from portfolio.projects.queries import get_project, get_selected_plan, list_projects
from portfolio.projects.summary import get_summary
from portfolio.reporting.progress import default_as_of, progress_for
from portfolio.reporting.queries import list_reports_for_project
from portfolio.reporting.selection import list_periods
from portfolio.tokens.metering import meter_use
from portfolio.tokens.services import ApiAuthError, authenticate

MAX_PER_PAGE = 200
DEFAULT_PER_PAGE = 50

csrf.exempt(bp)  # tokens, never cookies, authenticate the API: there is no session for CSRF to protect


log = logging.getLogger("portfolio.security")


class ApiRefusal(Exception):
    """Stop an API view with a JSON error."""

    def __init__(self, status: int, message: str, retry_after: int | None = None):
        super().__init__(message)
        self.status, self.message, self.retry_after = status, message, retry_after


def error_response(refused):
    """The refusal as a JSON error; a rate-limit refusal says in Retry-After when to call again."""
    response = api_error(refused.status, refused.message)
    if getattr(refused, "retry_after", None):
        response.headers["Retry-After"] = str(refused.retry_after)
    return response


def api_requires(action: str):
    """Guard an API view: a live token whose account's role allows the action, within its rate limit."""
    ROLE_ACTIONS[action]  # fail at import time on a typo

    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            try:
                _admit(action)
            except (ApiAuthError, ApiRefusal) as refused:
                log_refusal(refused.status)
                return error_response(refused)
            return view(*args, **kwargs)

        guarded.required_action = action
        return guarded

    return decorate


def _admit(action: str) -> None:
    now = utcnow()
    token = authenticate(request.headers.get("Authorization"), now)
    g.api_user, g.api_token = token.user, token
    config = current_app.config
    limit, window = int(config.get("API_RATE_LIMIT", 120)), int(config.get("API_RATE_WINDOW", 60))
    retry_after = meter_use(token, now, limit, window, request.full_path.rstrip("?"))
    if retry_after is not None:
        message = f"请求过于频繁：每个令牌每 {window} 秒最多 {limit} 次，请 {retry_after} 秒后再试。"
        raise ApiRefusal(429, message, retry_after)
    if not role_allows(token.user, action):
        raise ApiRefusal(403, "该账号无权访问此接口。")


def api_user():
    return g.api_user


def api_authorize(action: str, obj) -> None:
    """Refuse with 404 when the token's user may not see this object (it looks absent, as on the web)."""
    if not can(g.api_user, action, obj):
        raise ApiRefusal(404, "记录不存在，或您无权查看。")


def log_refusal(status: int) -> None:
    user = getattr(g, "api_user", None)
    log.warning(
        "api refused status=%s user=%s path=%s ip=%s",
        status,
        user.username if user is not None else "-",
        request.path,
        request.remote_addr,
    )


@bp.before_request
def _writes_first():
    # Each call writes its meter row: on SQLite take the write lock up front, as other writers do.
    write_intent.set(True)  # the request's own reset (portfolio/security.py) restores it afterwards


@bp.errorhandler(ApiRefusal)
def _refused(e: ApiRefusal):
    log_refusal(e.status)
    return error_response(e)


@bp.errorhandler(DomainError)
def _domain(e: DomainError):
    return error_response(e)


def _per_page() -> int:
    raw = request.args.get("per_page", "")
    if raw == "":
        return DEFAULT_PER_PAGE
    if parse_int(raw) is None or not 1 <= parse_int(raw) <= MAX_PER_PAGE:
        raise ApiRefusal(400, f"per_page 应为 1 到 {MAX_PER_PAGE} 之间的整数。")
    return int(raw)


@bp.route("/projects")
@api_requires("project.view")
def projects():
    filters = read_filters(request.args)
    page = list_projects(api_user(), filters, _per_page())
    progress = progress_for(page.projects, default_as_of(page.plan))
    return jsonify(
        {
            "projects": [project_row(p, progress[p.id]) for p in page.projects],
            "total": page.total,
            "page": page.page,
            "pages": page.pages,
            "plan": {"id": page.plan.id, "short_name": page.plan.short_name, "name": page.plan.name},
        }
    )


@bp.route("/projects/<int:project_id>")
@api_requires("project.view")
def project(project_id: int):
    found = get_project(project_id)
    api_authorize("project.view", found)
    as_of = default_as_of(found.plan)
    reports = list_reports_for_project(found)
    funds = funds_by_report([r.id for r in reports])
    data = project_row(found, progress_for([found], as_of)[found.id])
    data.update(
        content=found.content,
        note=found.note,
        annual_plan_wan={str(a.year): num(a.amount_wan) for a in found.annual_plans},
        funding=funding_values(get_project_funding(found, as_of)),
        milestones=[milestone_values(m) for m in found.milestones],
        reports=[report_values(r, funds.get(r.id, {})) for r in reports],
        as_of=as_of.isoformat(),
    )
    return jsonify(data)


@bp.route("/periods")
@api_requires("period.view")
def periods():
    return jsonify({"periods": [period_values(p) for p, _counts in list_periods(g.api_user)]})


@bp.route("/summary")
@api_requires("summary.view")
def summary():
    filters = read_filters(request.args)
    result = get_summary(api_user(), filters)
    totals = get_source_totals(api_user(), filters, result.plan, result.as_of)
    return jsonify(
        {
            "plan": {"id": result.plan.id, "short_name": result.plan.short_name, "name": result.plan.name},
            "as_of": result.as_of.isoformat(),
            "total": summary_row(result.total),
            "by_category": [summary_row(r) for r in result.by_category],
            "by_county": [summary_row(r) for r in result.by_county],
            "by_source": [source_total(t) for t in totals],
        }
    )


@bp.route("/oc4ids.json")
@api_requires("project.view")
def oc4ids():
    plan = get_selected_plan(read_filters(request.args).plan_id)
    return jsonify(export_package(plan, current_app.config, request.url_root, api_user()))


@bp.route("/definitions")
@api_requires("definitions.view")
def definitions():
    return jsonify({"definitions": [definition_values(d) for d in list_definitions()]})


@bp.route("/definitions/<key>")
@api_requires("definitions.view")
def definition(key: str):
    found = find_definition(key)
    if found is None:
        raise ApiRefusal(404, "没有这个口径。")
    return jsonify(definition_values(found))


@bp.route("/openapi.json")
@api_requires("account.self")  # any live token may read the document
def openapi():
    return jsonify(build_spec(current_app))
