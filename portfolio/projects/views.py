"""Register pages: the project list, a project's detail and the portfolio summary."""

from flask import current_app, render_template, request
from flask_login import current_user

from portfolio.permissions import authorize, requires
from portfolio.projects import bp
from portfolio.projects.models import LifecycleStatus
from portfolio.projects.queries import (
    ProjectFilters,
    get_project,
    list_filter_choices,
    list_plans,
    list_project_history,
    list_projects,
)
from portfolio.projects.summary import get_summary
from portfolio.reporting.progress import default_as_of, progress_for


@bp.route("/")
@bp.route("/projects")
@requires("project.view")
def index():
    filters = ProjectFilters.from_args(request.args)
    page = list_projects(current_user, filters, current_app.config["PAGE_SIZE"])
    as_of = default_as_of(page.plan)
    return render_template(
        "projects/index.html",
        page=page,
        as_of=as_of,
        progress=progress_for(page.projects, as_of),
        statuses=LifecycleStatus.choices(),
        plans=list_plans(),
        choices=list_filter_choices(page.plan),
    )


@bp.route("/projects/<int:project_id>")
@requires("project.view")
def detail(project_id: int):
    project = get_project(project_id)
    authorize("project.view", project)
    as_of = default_as_of(project.plan)
    return render_template(
        "projects/detail.html",
        project=project,
        as_of=as_of,
        progress=progress_for([project], as_of)[project.id],
        history=list_project_history(project),
    )


@bp.route("/summary")
@requires("summary.view")
def summary():
    filters = ProjectFilters.from_args(request.args)
    return render_template(
        "projects/summary.html",
        summary=get_summary(current_user, filters),
        filters=filters,
        plans=list_plans(),
    )
