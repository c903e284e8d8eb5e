"""The home page: one route, a page per role."""

from flask import current_app, render_template, request
from flask_login import current_user

from portfolio.auth.models import Role
from portfolio.backup.status import read_backup_status
from portfolio.home import bp, queries
from portfolio.home.sections import sections_for
from portfolio.localtime import local_today
from portfolio.permissions import requires
from portfolio.reporting.forms import ConfirmForm, ReminderSendForm
from portfolio.reporting.queue import QueueFilter


def queue_filter() -> QueueFilter:
    return QueueFilter.from_args(request.args)


@bp.route("/home")
@requires("home.view")
def index():
    today, user = local_today(), current_user
    context = {"today": today, "sections": sections_for(user, today)}
    if user.role == Role.COUNTY_OFFICER:
        context["tasks"] = queries.list_officer_tasks(user, today)
        context["warned"] = queries.list_warned_projects(user)
    elif user.role == Role.PLANNER:
        context["home"] = queries.get_planner_home(user, today, queue_filter())
        context["filters"] = queue_filter()
        context["remind_form"] = ReminderSendForm()
        context["bulk_form"] = ConfirmForm()
    elif user.role == Role.REVIEWER:
        context["rounds"] = queries.list_reviewer_tasks()
    else:
        context["admin"] = queries.get_admin_home()
        context["backup"] = read_backup_status(current_app.config["UPLOAD_DIR"])
    return render_template(f"home/{user.role.value}.html", **context)
