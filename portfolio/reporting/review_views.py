"""Reviewing in a queue: after approving or returning, go on to the next report; approve several at once."""

from flask import flash, redirect, request, url_for
from flask_login import current_user

from portfolio.errors import DomainError
from portfolio.numbers import parse_int
from portfolio.permissions import can, requires
from portfolio.reporting import bp, queries
from portfolio.reporting.forms import ConfirmForm
from portfolio.reporting.queue import QueueFilter, get_next_in_queue
from portfolio.reporting.review import approve_reports


def next_after_review(report):
    """The next submitted report of the queue (keeping its filter), or the home page once none is left."""
    filters = QueueFilter.from_args(request.args)
    following = get_next_in_queue(report, filters)
    if following is not None:
        return redirect(url_for("reporting.report", report_id=following, **filters.args()))
    flash("待审核的报告已全部处理完毕。", "info")
    return redirect(url_for("home.index", **filters.args()))


def _selected() -> list[tuple]:
    """The ticked reports as (report, version seen), each one the user may review."""
    chosen = []
    for value in request.form.getlist("report"):
        report_id, _, version = value.partition(":")
        if parse_int(report_id) is None:
            continue
        try:
            report = queries.get_report(parse_int(report_id))
        except DomainError:
            continue
        if can(current_user, "report.review", report):
            chosen.append((report, parse_int(version)))
    return chosen


@bp.route("/reporting/reports/approve-selected", methods=["POST"])
@requires("report.review")
def approve_selected():
    back = redirect(url_for("home.index", **QueueFilter.from_args(request.args).args()))
    if not ConfirmForm().validate_on_submit():
        flash("表单已过期，请刷新页面后重试。", "error")
        return back
    chosen = _selected()
    if not chosen:
        flash("请先勾选要审核通过的报告。", "error")
        return back
    result = approve_reports(current_user, chosen)
    if result.approved:
        flash(f"已审核通过 {len(result.approved)} 份报告。", "success")
    for name, reason in result.refused:
        flash(f"{name}：{reason}", "error")
    return back
