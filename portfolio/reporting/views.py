"""Reporting pages: periods, the report form and its review, attachments, reminders and thresholds."""

from dataclasses import asdict

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from portfolio.definitions.reports import ReportState
from portfolio.errors import DomainError
from portfolio.funding.forms import fill_amount_rows
from portfolio.funding.queries import get_report_funding, list_funds_before, list_report_funding
from portfolio.funding.services import save_report_with_funds
from portfolio.localtime import local_today
from portfolio.permissions import authorize, requires
from portfolio.plans.state import plan_choices
from portfolio.projects.queries import list_filter_choices, list_plans
from portfolio.projects.services import get_plan
from portfolio.reporting import bp, queries
from portfolio.reporting.attachments import max_bytes, path_of
from portfolio.reporting.forms import (
    ConfirmForm,
    PeriodOpenForm,
    PeriodReopenForm,
    ReportForm,
    ReturnForm,
    ThresholdsForm,
    VersionForm,
    fill_milestones,
    funds_input,
    milestone_rows,
    report_input,
)
from portfolio.reporting.period_page import PeriodFilter, list_period_page
from portfolio.reporting.periods import close_period, is_open, open_period, reopen_period, state_label
from portfolio.reporting.progress import get_thresholds, progress_for, save_thresholds
from portfolio.reporting.queue import QueueFilter
from portfolio.reporting.review import compare_with_previous
from portfolio.reporting.selection import list_periods
from portfolio.reporting.services import (
    ReportConflict,
    approve_report,
    delete_attachment,
    get_report_for,
    return_report,
    submit_report,
)
from portfolio.unit_of_work import discard, refuse


@bp.app_context_processor
def _reporting_helpers():
    return {
        "period_state": lambda p: state_label(p, local_today()),
        "period_open": lambda p: is_open(p, local_today()),
    }


@bp.route("/reporting/periods")
@requires("period.view")
def periods():
    form = PeriodOpenForm()
    form.plan_id.choices = plan_choices(list_plans())
    cadence = current_app.config["REPORTING_CADENCE"]
    return render_template(
        "reporting/periods.html", periods=list_periods(current_user), form=form, cadence=cadence
    )


@bp.route("/reporting/periods/open", methods=["POST"])
@requires("period.manage")
def open_period_view():
    form = PeriodOpenForm()
    form.plan_id.choices = plan_choices(list_plans())
    if not form.validate_on_submit():
        flash("；".join(e for errors in form.errors.values() for e in errors), "error")
        return redirect(url_for("reporting.periods"))
    try:
        period = open_period(
            current_user,
            get_plan(form.plan_id.data),
            form.code.data,
            form.deadline.data,
            current_app.config["REPORTING_CADENCE"],
        )
    except DomainError as e:
        refuse(e)
        return redirect(url_for("reporting.periods"))
    flash(f"已开放期间 {period.code}，报送截止 {period.deadline.isoformat()}。", "success")
    return redirect(url_for("reporting.period", period_id=period.id))


@bp.route("/reporting/periods/<int:period_id>")
@requires("period.view")
def period(period_id):
    period = queries.get_period(period_id)
    filters = PeriodFilter.from_args(request.args)
    page = list_period_page(period, current_user, filters, current_app.config["PAGE_SIZE"])
    return render_template(
        "reporting/period.html",
        period=period,
        page=page,
        progress=progress_for(page.rows, period.ends_on, period),
        choices=list_filter_choices(period.plan),
        states=ReportState,
        reopen_form=PeriodReopenForm(),
        confirm=ConfirmForm(),
    )


@bp.route("/reporting/periods/<int:period_id>/close", methods=["POST"])
@requires("period.manage")
def close_period_view(period_id):
    period = queries.get_period(period_id)
    if ConfirmForm().validate_on_submit():
        try:
            close_period(current_user, period)
            flash(f"期间 {period.code} 已关闭，不能再填报。", "success")
        except DomainError as e:
            refuse(e)
    return redirect(url_for("reporting.period", period_id=period_id))


@bp.route("/reporting/periods/<int:period_id>/reopen", methods=["POST"])
@requires("period.manage")
def reopen_period_view(period_id):
    period = queries.get_period(period_id)
    form = PeriodReopenForm()
    if not form.validate_on_submit():
        flash("请填写有效的重新开放截止日期。", "error")
        return redirect(url_for("reporting.period", period_id=period_id))
    try:
        reopen_period(current_user, period, form.until.data)
        flash(f"期间 {period.code} 已重新开放至 {form.until.data.isoformat()}。", "success")
    except DomainError as e:
        refuse(e)
    return redirect(url_for("reporting.period", period_id=period_id))


def _initial(report) -> dict:
    if report is None:
        return {}
    data = {
        name: getattr(report, name)
        for name in (
            "progress_text",
            "percent_complete",
            "invested_wan",
            "problems",
            "next_steps",
            "coordination",
        )
    }
    return data | {
        "new_status": report.new_status.value if report.new_status else "",
        "version": report.version,
    }


def _render_form(form, project, period, conflict=None, status=200):
    report = get_report_for(project, period)
    fill_milestones(form, rows := milestone_rows(project, report))
    funds_before = list_funds_before(project, period)
    stored_funds = get_report_funding(report) if report else {}
    # A POST that carried no funding rows (funds left as stored) shows the stored ones again.
    fill_amount_rows(form.funds, [f.source for f in funds_before], stored_funds, submitted=False)
    figures = queries.get_figures(project, period, report.invested_wan if report else None)
    return render_template(
        "reporting/report_form.html",
        form=form,
        project=project,
        period=period,
        report=report,
        milestone_rows=rows,
        figures=figures,
        funds_before={f.source.id: f for f in funds_before},
        conflict=conflict,
        is_open=is_open(period, local_today()),
        max_mb=max_bytes() // (1024 * 1024),
    ), status


@bp.route("/reporting/periods/<int:period_id>/projects/<int:project_id>/report", methods=["GET", "POST"])
@requires("report.edit")
def edit_report(period_id, project_id):
    period, project = queries.get_period(period_id), queries.get_project(project_id)
    authorize("report.edit", project)
    if project.plan_id != period.plan_id:
        abort(404)
    if request.method == "GET":
        return _render_form(ReportForm(data=_initial(get_report_for(project, period))), project, period)
    form = ReportForm()
    if not form.validate_on_submit():
        return _render_form(form, project, period, status=400)
    try:
        report = save_report_with_funds(
            current_user,
            project,
            period,
            report_input(form),
            funds_input(form),
            form.expected_version(),
            form.send.data,
        )
    except ReportConflict as c:
        discard()
        form.version.data = c.stored_version  # saving again is now a deliberate choice, with the diff in view
        return _render_form(form, project, period, conflict=c, status=409)
    except DomainError as e:
        refuse(e)
        return _render_form(form, project, period, status=e.status)
    flash("报告已报送，等待审核。" if form.send.data else "报告已暂存，可继续修改后报送。", "success")
    return redirect(url_for("reporting.report", report_id=report.id))


@bp.route("/reporting/reports/<int:report_id>")
@requires("report.view")
def report(report_id):
    report = queries.get_report(report_id)
    authorize("report.view", report)
    return render_template(
        "reporting/report.html",
        report=report,
        figures=queries.get_figures(report.project, report.period, report.invested_wan),
        milestone_rows=milestone_rows(report.project, report),
        funding_rows=list_report_funding(report),
        history=queries.list_report_history(report),
        comparison=(comparison := compare_with_previous(report)),
        previous_milestones=milestone_rows(report.project, comparison.previous)
        if comparison.previous
        else None,
        queue_args=QueueFilter.from_args(request.args).args(),
        version_form=VersionForm(data={"version": report.version}),
        return_form=ReturnForm(data={"version": report.version}),
        confirm=ConfirmForm(),
        is_open=is_open(report.period, local_today()),
    )


def _review(report_id: int, action: str, run, done: str, form_class=VersionForm):
    report = queries.get_report(report_id)
    authorize(action, report)
    form = form_class()
    if not form.validate_on_submit():
        flash(
            "；".join(e for errors in form.errors.values() for e in errors) or "表单无效，请刷新后重试。",
            "error",
        )
        return redirect(url_for("reporting.report", report_id=report_id))
    try:
        run(report, form)
        flash(done, "success")
    except DomainError as e:
        refuse(e)
        return redirect(url_for("reporting.report", report_id=report_id))
    return (
        next_after_review(report)
        if action == "report.review"
        else redirect(url_for("reporting.report", report_id=report_id))
    )


@bp.route("/reporting/reports/<int:report_id>/submit", methods=["POST"])
@requires("report.edit")
def submit(report_id):
    run = lambda r, f: submit_report(current_user, r, f.expected_version())  # noqa: E731
    return _review(report_id, "report.edit", run, "报告已报送，等待审核。")


@bp.route("/reporting/reports/<int:report_id>/approve", methods=["POST"])
@requires("report.review")
def approve(report_id):
    run = lambda r, f: approve_report(current_user, r, f.expected_version())  # noqa: E731
    return _review(report_id, "report.review", run, "报告已审核通过，项目进度与预警已更新。")


@bp.route("/reporting/reports/<int:report_id>/return", methods=["POST"])
@requires("report.review")
def return_(report_id):
    run = lambda r, f: return_report(current_user, r, f.reason.data, f.expected_version())  # noqa: E731
    return _review(report_id, "report.review", run, "报告已退回填报人修改。", ReturnForm)


@bp.route("/reporting/attachments/<int:attachment_id>")
@requires("report.view")
def attachment(attachment_id):
    attachment = queries.get_attachment(attachment_id)
    authorize("report.view", attachment.report)  # the attachment's project decides who may see it
    path = path_of(attachment)
    if not path.is_file():
        abort(404)
    return send_file(
        path,
        mimetype=attachment.content_type,
        # ?inline=1 shows a photo in the page; PDFs always download (no third-party viewer in our origin).
        as_attachment=not (request.args.get("inline") and attachment.content_type.startswith("image/")),
        download_name=attachment.original_name,
        max_age=0,
    )


@bp.route("/reporting/attachments/<int:attachment_id>/delete", methods=["POST"])
@requires("report.edit")
def delete_attachment_view(attachment_id):
    attachment = queries.get_attachment(attachment_id)
    authorize("report.edit", attachment.report)
    report_id = attachment.report_id
    if ConfirmForm().validate_on_submit():
        try:
            delete_attachment(current_user, attachment)
            flash("附件已删除。", "success")
        except DomainError as e:
            refuse(e)
    return redirect(url_for("reporting.report", report_id=report_id))


@bp.route("/reporting/thresholds", methods=["GET", "POST"])
@requires("warning.configure")
def thresholds():
    current = get_thresholds()
    form = ThresholdsForm(data=asdict(current) if request.method == "GET" else None)
    if form.validate_on_submit():
        save_thresholds(current_user, form.thresholds())
        flash("预警阈值已保存，各页面的预警颜色随之更新。", "success")
        return redirect(url_for("reporting.thresholds"))
    return render_template("reporting/thresholds.html", form=form, current=current)


from portfolio.reporting import reminder_views  # noqa: E402, F401  (attaches the 催报 routes)
from portfolio.reporting.review_views import next_after_review  # noqa: E402  (and the bulk approval route)
