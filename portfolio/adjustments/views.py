"""The plan adjustments page (规划调整情况) and its 规划调整情况表 download."""

from flask import Response, render_template, request

from portfolio.adjustments import bp
from portfolio.adjustments.display import field_changes
from portfolio.adjustments.export import export_adjustments
from portfolio.adjustments.queries import get_adjustment_report
from portfolio.exports.filenames import content_disposition
from portfolio.localtime import local_today
from portfolio.numbers import parse_int
from portfolio.paging import page_of, requested_page
from portfolio.permissions import requires
from portfolio.projects.queries import get_selected_plan, list_plans

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


ROWS_PER_PAGE = 50


@bp.route("/adjustments")
@requires("adjustment.view")
def index():
    report = get_adjustment_report(get_selected_plan(request.args.get("plan", type=parse_int)))
    return render_template(
        "adjustments/index.html",
        report=report,
        page=page_of(report.rows, requested_page(request.args.get("page")), ROWS_PER_PAGE),
        plans=list_plans(),
        field_changes=field_changes,
    )


@bp.route("/adjustments.xlsx")
@requires("adjustment.view")
def download():
    report = get_adjustment_report(get_selected_plan(request.args.get("plan", type=parse_int)))
    file = export_adjustments(report, local_today())
    response = Response(file.content, mimetype=XLSX)
    response.headers["Content-Disposition"] = content_disposition(file.filename, file.fallback)
    response.headers["Cache-Control"] = "no-store"
    return response
