"""The notification list, opening one (marks it read), and the unread badge every page shows."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from portfolio.notify import bp, queries
from portfolio.notify.forms import OpenForm
from portfolio.notify.services import mark_all_read, open_notification
from portfolio.numbers import parse_int
from portfolio.permissions import can, requires


@bp.app_context_processor
def _unread_badge():
    def unread() -> int:
        return queries.count_unread(current_user) if can(current_user, "notification.view") else 0

    return {"unread_notifications": unread}


@bp.route("/notifications")
@requires("notification.view")
def index():
    page = request.args.get("page", type=parse_int) or 1
    rows, total = queries.list_notifications(current_user, page)
    return render_template(
        "notify/index.html", rows=rows, total=total, page=page, per_page=30, form=OpenForm()
    )


@bp.route("/notifications/open", methods=["POST"])
@requires("notification.view")
def open_():
    form = OpenForm()
    if not form.validate_on_submit() or not form.notification_id.data:
        return redirect(url_for("notify.index"))
    found = open_notification(current_user, form.notification_id.data)
    return redirect(found.link if found.link and found.link.startswith("/") else url_for("notify.index"))


@bp.route("/notifications/read-all", methods=["POST"])
@requires("notification.view")
def read_all():
    if OpenForm().validate_on_submit():
        n = mark_all_read(current_user)
        flash(f"已将 {n} 条通知标为已读。", "success")
    return redirect(url_for("notify.index"))
