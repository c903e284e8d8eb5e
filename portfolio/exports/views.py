"""Export pages: the download page, sheet downloads, and the fill-in template's upload and confirmation."""

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portfolio.errors import DomainError
from portfolio.exports import bp
from portfolio.exports.filenames import content_disposition
from portfolio.exports.forms import TemplateConfirmForm, TemplateUploadForm
from portfolio.exports.history_sheet import export_history
from portfolio.exports.queries import get_location, select_plan
from portfolio.exports.reminder_sheet import export_reminder_list
from portfolio.exports.services import import_template
from portfolio.exports.sheet_layout import ExportFile
from portfolio.exports.template_sheet import export_template
from portfolio.exports.template_stash import stash_upload, take_upload
from portfolio.funding.columns import MEASURES, FundingChoice
from portfolio.funding.queries import list_sources
from portfolio.layouts.progress_sheets import export_county_sheets, export_progress, export_supervision
from portfolio.layouts.queries import list_county_names, list_layouts
from portfolio.localtime import local_today
from portfolio.numbers import parse_int
from portfolio.permissions import requires
from portfolio.projects.history_grid import GridFilters
from portfolio.projects.queries import ProjectFilters
from portfolio.reporting.queries import get_period, list_reminders
from portfolio.reporting.selection import (
    choose_period,
    get_default_period,
    get_open_period,
    list_plan_periods,
)
from portfolio.unit_of_work import discard, refuse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def send_export(file: ExportFile, mimetype: str = XLSX) -> Response:
    """A download that is never cached, with its Chinese file name and an ASCII fallback."""
    response = Response(file.content, mimetype=mimetype)
    response.headers["Content-Disposition"] = content_disposition(file.filename, file.fallback)
    response.headers["Cache-Control"] = "no-store"
    return response


def _period(period_id: int | None, filters: ProjectFilters):
    if period_id is not None:
        return get_period(period_id)
    return get_default_period(select_plan(filters), local_today())


@bp.route("/exports")
@requires("export.download")
def index():
    filters = ProjectFilters.from_args(request.args)
    plan = select_plan(filters)
    periods = list_plan_periods(plan)
    period = choose_period(periods, request.args.get("period", type=parse_int), local_today())
    form = TemplateUploadForm(period_id=period.id if period else None)
    form.period_id.choices = [(p.id, p.code) for p in periods]
    return render_template(
        "exports/index.html",
        plan=plan,
        periods=periods,
        period=period,
        form=form,
        funding_sources=list_sources(plan.id),
        funding_measures=MEASURES,
        layouts=list_layouts(),
        counties=list_county_names(),
    )


@bp.route("/exports/progress.xlsx", defaults={"period_id": None})
@bp.route("/exports/periods/<int:period_id>/progress.xlsx")
@requires("export.download")
def progress_sheet(period_id):
    filters = ProjectFilters.from_args(request.args)
    county = get_location(str(filters.county_id)) if filters.county_id else None
    funding = FundingChoice.from_args(request.args)
    return send_export(
        export_progress(current_user, _period(period_id, filters), filters, county, funding=funding)
    )


@bp.route("/exports/counties.xlsx", defaults={"period_id": None})
@bp.route("/exports/periods/<int:period_id>/counties.xlsx")
@requires("export.download")
def county_sheets(period_id):
    filters = ProjectFilters.from_args(request.args)
    funding = FundingChoice.from_args(request.args)
    return send_export(
        export_county_sheets(current_user, _period(period_id, filters), filters, funding=funding)
    )


@bp.route("/exports/supervision.xlsx", defaults={"period_id": None})
@bp.route("/exports/periods/<int:period_id>/supervision.xlsx")
@requires("export.download")
def supervision(period_id):
    filters = ProjectFilters.from_args(request.args)
    return send_export(export_supervision(current_user, _period(period_id, filters), filters))


@bp.route("/exports/history.xlsx")
@requires("export.download")
def history_sheet():
    return send_export(export_history(current_user, GridFilters.from_args(request.args)))


@bp.route("/exports/periods/<int:period_id>/reminders.xlsx")
@requires("reminder.view")
def reminder_list(period_id):
    return send_export(export_reminder_list(list_reminders(get_period(period_id)), local_today()))


@bp.route("/exports/template.xlsx", defaults={"period_id": None})
@bp.route("/exports/periods/<int:period_id>/template.xlsx")
@requires("template.use")
def template(period_id):
    plan = select_plan(ProjectFilters.from_args(request.args))
    period = get_period(period_id) if period_id else get_open_period(plan, local_today())
    try:
        return send_export(export_template(current_user, period, current_app.config["SECRET_KEY"]))
    except DomainError as e:
        refuse(e)
        return redirect(url_for("exports.index", period=period.id))


@bp.route("/exports/template", methods=["POST"])
@requires("template.use")
def upload_template():
    form = TemplateUploadForm()
    if not form.validate_on_submit():
        flash("；".join(e for errors in form.errors.values() for e in errors), "error")
        return redirect(url_for("exports.index"))
    period = get_period(form.period_id.data)
    data = form.file.data.read()
    try:
        result = import_template(current_user, data, current_app.config["SECRET_KEY"], period, dry_run=True)
    except DomainError as e:
        refuse(e)
        return redirect(url_for("exports.index", period=period.id))
    discard()  # a preview writes nothing
    token = None if result.issues else stash_upload(current_app.config["UPLOAD_DIR"], current_user.id, data)
    confirm = TemplateConfirmForm(period_id=period.id, token=token)
    return render_template("exports/preview.html", result=result, confirm=confirm, confirmed=False)


@bp.route("/exports/template/confirm", methods=["POST"])
@requires("template.use")
def confirm_template():
    form = TemplateConfirmForm()
    if not form.validate_on_submit():
        flash("确认表单已过期，请重新上传填好的模板。", "error")
        return redirect(url_for("exports.index"))
    period = get_period(form.period_id.data)
    try:
        data = take_upload(current_app.config["UPLOAD_DIR"], current_user.id, form.token.data)
        result = import_template(current_user, data, current_app.config["SECRET_KEY"], period)
    except DomainError as e:
        refuse(e)
        return redirect(url_for("exports.index", period=period.id))
    if result.issues:
        discard()
        return render_template("exports/preview.html", result=result, confirm=None, confirmed=False)
    flash(f"已报送 {result.count('submit')} 份进度报告，等待市级牵头部门审核。", "success")
    return redirect(url_for("exports.index", period=period.id))
