"""Register pages: the project list, a project's detail and the portfolio summary."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portfolio.adjustments.services import AdjustmentNote, record_adjustments, snapshot_before
from portfolio.errors import DomainError
from portfolio.funding.queries import get_project_funding, get_source_totals
from portfolio.localtime import local_today
from portfolio.numbers import parse_int
from portfolio.permissions import authorize, requires
from portfolio.projects import bp
from portfolio.projects.forms import MilestonesForm, PreTrackingForm, ProjectEditForm
from portfolio.projects.history_grid import GridFilters, get_history_page, list_lead_units
from portfolio.projects.models import LifecycleStatus
from portfolio.projects.pre_tracking import set_pre_tracking
from portfolio.projects.queries import (
    ProjectFilters,
    get_project,
    list_filter_choices,
    list_plan_choices,
    list_project_history,
    list_project_rows,
)
from portfolio.projects.services import save_milestones, update_project
from portfolio.projects.summary import get_summary
from portfolio.reporting.progress import default_as_of, progress_for
from portfolio.reporting.progress_history import HISTORY_SPANS, list_status_history
from portfolio.reporting.queries import list_reports_for_project
from portfolio.reporting.selection import list_begun_periods
from portfolio.reporting.warnings import Level
from portfolio.supervision.queries import list_project_items
from portfolio.unit_of_work import refuse


@bp.route("/")
@bp.route("/projects")
@requires("project.view")
def index():
    filters = ProjectFilters.from_args(request.args)
    page = list_project_rows(current_user, filters, current_app.config["PAGE_SIZE"])
    as_of = default_as_of(page.plan)
    return render_template(
        "projects/index.html",
        page=page,
        as_of=as_of,
        progress=progress_for(page.projects, as_of),
        statuses=LifecycleStatus.choices(),
        plans=list_plan_choices(),
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
        funding=get_project_funding(project, as_of),
        reports=list_reports_for_project(project),
        history=list_project_history(project),
        supervision_items=list_project_items(project),
        supervision_today=local_today(),
        status_history=list_status_history(project, local_today()),
    )


@bp.route("/summary")
@requires("summary.view")
def summary():
    filters = ProjectFilters.from_args(request.args)
    summary = get_summary(current_user, filters)
    return render_template(
        "projects/summary.html",
        summary=summary,
        funding_totals=get_source_totals(current_user, filters, summary.plan, summary.as_of),
        filters=filters,
        plans=list_plan_choices(),
    )


@bp.route("/projects/<int:project_id>/edit", methods=["GET", "POST"])
@requires("project.edit")
def edit(project_id: int):
    project = get_project(project_id)
    authorize("project.edit", project)
    form = ProjectEditForm()
    form.fill(project)
    if form.validate_on_submit():
        try:
            edit = form.to_edit(project.plan.years)
            before = snapshot_before(project.plan, [project.id])
            changed = update_project(current_user, project, edit, _version(form))
            note = AdjustmentNote(form.adjust_reason.data or "", form.adjust_doc_number.data or "")
            record_adjustments(current_user, project.plan, before, note, project_ids=[project.id])
        except DomainError as refused:
            return _refused("projects/edit.html", project_id, form, refused)
        flash(f"已保存：{'、'.join(changed)}。" if changed else "内容没有变化，未作修改。", "success")
        return redirect(url_for("projects.detail", project_id=project.id))
    return render_template("projects/edit.html", project=project, form=form)


@bp.route("/projects/<int:project_id>/milestones", methods=["GET", "POST"])
@requires("project.edit")
def milestones(project_id: int):
    project = get_project(project_id)
    authorize("project.edit", project)
    form = MilestonesForm()
    form.fill(project)
    if form.validate_on_submit():
        try:
            changes = save_milestones(current_user, project, form.to_rows(), _version(form))
        except DomainError as refused:
            return _refused("projects/milestones.html", project_id, form, refused)
        flash(f"里程碑已保存（{changes} 处变更）。", "success")
        return redirect(url_for("projects.detail", project_id=project.id))
    return render_template("projects/milestones.html", project=project, form=form)


@bp.route("/projects/<int:project_id>/pre-tracking", methods=["GET", "POST"])
@requires("project.edit")
def pre_tracking(project_id: int):
    project = get_project(project_id)
    stored = {"amount_wan": project.pre_tracking_invested_wan, "as_of": project.pre_tracking_as_of}
    form = PreTrackingForm(data=stored) if request.method == "GET" else PreTrackingForm()
    if form.validate_on_submit():
        try:
            saved = set_pre_tracking(current_user, project, form.amount_wan.data, form.as_of.data)
        except DomainError as refused:
            return _refused("projects/pre_tracking.html", project_id, form, refused)
        flash("已保存纳入系统前已完成投资。", "success")
        if saved.warning:
            flash(saved.warning, "warning")
        return redirect(url_for("projects.detail", project_id=project.id))
    status = 400 if form.errors else 200
    return render_template("projects/pre_tracking.html", project=project, form=form), status


def _version(form) -> int:
    """The record version the form was loaded at; a forged, non-numeric one is a bad request."""
    version = parse_int(form.version.data)
    return version if version is not None else abort(400)


def _refused(template: str, project_id: int, form, refused: DomainError):
    """Show the form again with what the user typed, and say why it was refused."""
    refuse(refused)
    return render_template(template, project=get_project(project_id), form=form), refused.status


@bp.route("/projects/history")
@requires("project.view")
def history():
    filters = GridFilters.from_args(request.args)
    today = local_today()
    grid = get_history_page(current_user, filters, today, current_app.config["PAGE_SIZE"])
    return render_template(
        "projects/history.html",
        grid=grid,
        plans=list_plan_choices(),
        choices=list_filter_choices(grid.plan),
        lead_units=list_lead_units(grid.plan),
        period_choices=list_begun_periods(grid.plan, today)[::-1],
        statuses=LifecycleStatus.choices(),
        levels=Level,
        spans=HISTORY_SPANS,
    )
