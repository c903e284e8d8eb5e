"""Funding pages: a plan's source list and a project's planned breakdown (funds received: report form)."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from portfolio.errors import DomainError
from portfolio.funding import bp
from portfolio.funding.forms import ProjectFundingForm, SourcesForm
from portfolio.funding.queries import get_project_funding, list_sources
from portfolio.funding.services import save_project_funding, save_sources
from portfolio.numbers import parse_int
from portfolio.permissions import authorize, requires
from portfolio.projects.queries import get_project, get_selected_plan, list_plans
from portfolio.reporting.progress import default_as_of
from portfolio.unit_of_work import refuse


def _plan_id() -> int | None:
    raw = request.args.get("plan", "")
    return parse_int(raw)


@bp.route("/funding/sources", methods=["GET", "POST"])
@requires("funding.manage")
def sources():
    plan = get_selected_plan(_plan_id())
    form = SourcesForm()
    form.fill(list_sources(plan.id))
    if form.validate_on_submit():
        try:
            changes = save_sources(current_user, plan, form.to_rows())
        except DomainError as refused:
            refuse(refused)
            return render_template(
                "funding/sources.html", plan=plan, plans=list_plans(), form=form
            ), refused.status
        flash(f"资金来源已保存（{changes} 处变更）。" if changes else "内容没有变化，未作修改。", "success")
        return redirect(url_for("funding.sources", plan=plan.id))
    return render_template("funding/sources.html", plan=plan, plans=list_plans(), form=form)


@bp.route("/projects/<int:project_id>/funding", methods=["GET", "POST"])
@requires("project.edit")
def project_funding(project_id: int):
    project = get_project(project_id)
    authorize("project.edit", project)
    funding = get_project_funding(project, default_as_of(project.plan))
    form = ProjectFundingForm()
    if not form.is_submitted():
        form.version.data, form.note.data = project.version, funding.note
    form.fill(funding.sources, funding.planned)
    if form.validate_on_submit():
        try:
            changed, warning = save_project_funding(
                current_user, project, form.amounts(), form.note.data, int(form.version.data)
            )
        except DomainError as refused:
            refuse(refused)
            project = get_project(project_id)
            return render_template("funding/project.html", project=project, form=form), refused.status
        flash(f"已保存资金来源：{'、'.join(changed)}。" if changed else "内容没有变化，未作修改。", "success")
        if warning:
            flash(f"请核对：{warning}", "warning")
        return redirect(url_for("projects.detail", project_id=project.id))
    return render_template("funding/project.html", project=project, form=form)
