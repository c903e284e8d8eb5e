"""Every permission rule in one place: the role table, the object rule and the visible-project filter.

Views declare `@requires(action)`; templates call `can(action, obj)`; queries use
`visible_projects(user)`. A test walks the URL map and fails on any endpoint with neither a
requirement nor a place in PUBLIC_ENDPOINTS.
"""

import logging
from collections.abc import Callable
from functools import wraps

from flask import abort, request
from flask_login import current_user
from sqlalchemy import ColumnElement, Select, exists, or_, select, true, union_all

from portfolio.auth.models import Role, User
from portfolio.projects.models import Project, ProjectLocation, ProjectUnit, Unit

log = logging.getLogger("portfolio.security")

ADMIN, PLANNER, OFFICER, REVIEWER = (
    Role.ADMIN,
    Role.PLANNER,
    Role.COUNTY_OFFICER,
    Role.REVIEWER,
)
EVERYONE = frozenset(Role)

# action -> roles allowed. Actions marked (scoped) also pass the object rule for county officers.
ROLE_ACTIONS: dict[str, frozenset[Role]] = {
    "project.view": EVERYONE,  # (scoped)
    "project.edit": frozenset({ADMIN, PLANNER}),
    "summary.view": EVERYONE,  # (scoped: officers see their own projects' totals)
    "annex.import": frozenset({ADMIN, PLANNER}),
    "period.view": EVERYONE,
    "period.manage": frozenset({ADMIN, PLANNER}),
    "report.view": EVERYONE,  # (scoped)
    "report.edit": frozenset({ADMIN, PLANNER, OFFICER}),  # (scoped)
    "report.review": frozenset({ADMIN, PLANNER}),
    "reminder.view": frozenset({ADMIN, PLANNER}),
    "reminder.send": frozenset({ADMIN, PLANNER}),
    "notification.view": EVERYONE,  # one's own notifications only
    "warning.configure": frozenset({ADMIN, PLANNER}),
    "export.download": EVERYONE,  # (scoped)
    "template.use": frozenset({ADMIN, PLANNER, OFFICER}),  # (scoped)
    "layout.manage": frozenset({ADMIN, PLANNER}),  # define, import and delete sheet layouts (版式)
    "evaluation.view": EVERYONE,
    "evaluation.edit": frozenset({ADMIN, REVIEWER}),
    "evaluation.finalize": frozenset({ADMIN, REVIEWER}),
    "evaluation.reopen": frozenset({ADMIN, PLANNER}),
    "evaluation.manage": frozenset({ADMIN, PLANNER, REVIEWER}),
    "indicator.edit": frozenset({ADMIN, PLANNER}),
    "audit.view": frozenset({ADMIN, PLANNER}),
    "user.manage": frozenset({ADMIN}),
    "plan.manage": frozenset({ADMIN, PLANNER}),  # create, edit, reorder and close plans
    "account.self": EVERYONE,  # change one's own password, log out
    "home.view": EVERYONE,  # the 工作台: each role's own page
    "dashboard.view": EVERYONE,  # (scoped: figures of the user's visible projects only)
    "funding.manage": frozenset({ADMIN, PLANNER}),  # a plan's funding source list
    "definitions.view": EVERYONE,  # the 口径说明 page
    "supervision.view": EVERYONE,  # (scoped) 督办 items and their files
    "supervision.issue": frozenset({ADMIN, PLANNER}),
    "supervision.answer": frozenset({ADMIN, OFFICER}),  # (scoped)
    "supervision.decide": frozenset({ADMIN, PLANNER}),  # close, send back, escalate
    "adjustment.view": frozenset({ADMIN, PLANNER, REVIEWER}),  # 规划调整: baseline against current plan
}

# Endpoints anyone may reach without logging in.
PUBLIC_ENDPOINTS = frozenset({"static", "auth.login"})


def role_allows(user: User | None, action: str) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if action not in ROLE_ACTIONS:
        raise KeyError(f"unknown action {action!r}")
    return user.role in ROLE_ACTIONS[action]


def can(user: User | None, action: str, obj=None) -> bool:
    """May this user do this action, on this object if one is given?"""
    if not role_allows(user, action):
        return False
    if obj is None or user.role != OFFICER:
        return True
    project = obj if isinstance(obj, Project) else getattr(obj, "project", None)
    if project is None:
        return True
    return officer_responsible_for(user, project)


def officer_responsible_for(user: User, project: Project) -> bool:
    """A county officer answers for a project located in their county or led or supported by their unit."""
    if user.unit_id is not None and any(link.unit_id == user.unit_id for link in project.unit_links):
        return True
    return user.county_id is not None and user.county_id in responsible_counties(project)


def responsible_counties(project: Project) -> set[int]:
    """The counties whose officers answer for a project: where it is built, and the counties of its units
    (the rule visible_projects states in SQL)."""
    counties = {loc.id for loc in project.locations}
    return counties | {link.unit.county_id for link in project.unit_links if link.unit.county_id is not None}


def visible_projects(user: User) -> ColumnElement[bool]:
    """A WHERE clause on Project selecting exactly the projects this user may see."""
    if user.role != OFFICER:
        return true()
    clauses = []
    if user.unit_id is not None:
        clauses.append(
            exists().where(
                ProjectUnit.project_id == Project.id,
                ProjectUnit.unit_id == user.unit_id,
            )
        )
    if user.county_id is not None:
        clauses.append(county_projects(user.county_id))
    return or_(*clauses) if clauses else Project.id.is_(None)


def county_projects(county_id: int) -> ColumnElement[bool]:
    """A WHERE clause on Project: the projects a county answers for, built there or with a unit of the
    county (responsible_counties per project). A county's officer sees these; a county's sheet holds them."""
    county_units = select(Unit.id).where(Unit.county_id == county_id)
    return or_(
        exists().where(ProjectLocation.project_id == Project.id, ProjectLocation.location_id == county_id),
        exists().where(ProjectUnit.project_id == Project.id, ProjectUnit.unit_id.in_(county_units)),
    )


def county_link_parts(project_ids=None) -> tuple[Select, Select]:
    """(project_id, county_id) for each county answering for each project, in two halves that never share
    a pair: where it is built, and the counties of its units where it is not built. Without `project_ids`,
    every project's pairs (a caller joining them to its projects narrows them cheaper than an IN list)."""
    built = select(ProjectLocation.project_id, ProjectLocation.location_id.label("county_id"))
    by_unit = (
        select(ProjectUnit.project_id, Unit.county_id)
        .distinct()
        .join(Unit, Unit.id == ProjectUnit.unit_id)
        .where(
            Unit.county_id.is_not(None),
            ~exists().where(
                ProjectLocation.project_id == ProjectUnit.project_id,
                ProjectLocation.location_id == Unit.county_id,
            ),
        )
    )
    if project_ids is not None:
        built = built.where(ProjectLocation.project_id.in_(project_ids))
        by_unit = by_unit.where(ProjectUnit.project_id.in_(project_ids))
    return built, by_unit


def county_links(project_ids):
    """(project_id, county_id) for each county answering for each of the given projects, once per pair:
    county_projects as rows, so a per-county table counts exactly what each county's officer sees."""
    return union_all(*county_link_parts(project_ids)).subquery()


def requires(action: str) -> Callable:
    """Guard a view: the user must be logged in and their role must allow the action."""
    ROLE_ACTIONS[action]  # fail at import time on a typo

    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if not current_user.is_authenticated:
                from portfolio.auth import login_manager

                return login_manager.unauthorized()
            if not role_allows(current_user, action):
                deny(action)
            return view(*args, **kwargs)

        guarded.required_action = action
        return guarded

    return decorate


def authorize(action: str, obj) -> None:
    """Abort unless the current user may act on this object; out-of-scope objects look absent (404)."""
    if not can(current_user, action, obj):
        deny(action, obj, status=404 if role_allows(current_user, action) else 403)


def deny(action: str, obj=None, status: int = 403):
    user = current_user.username if current_user.is_authenticated else "-"
    target = f"{type(obj).__name__}#{getattr(obj, 'id', '')}" if obj is not None else "-"
    log.warning(
        "denied user=%s action=%s target=%s path=%s ip=%s",
        user,
        action,
        target,
        request.path,
        request.remote_addr,
    )
    abort(status)
