"""催报 pages: who has not reported, sending a reminder, and the period's reminder history."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from portfolio.errors import DomainError
from portfolio.localtime import local_today
from portfolio.numbers import parse_int
from portfolio.permissions import requires
from portfolio.reporting import bp, queries
from portfolio.reporting.forms import ReminderSendForm
from portfolio.reporting.periods import is_open
from portfolio.reporting.reminders import list_reminder_history, send_reminder
from portfolio.reporting.selection import get_current_period, list_periods
from portfolio.unit_of_work import refuse

PER_PAGE = 100


@bp.route("/reporting/reminders")
@requires("reminder.view")
def reminders():
    period_id = request.args.get("period_id", type=parse_int)
    period = queries.get_period(period_id) if period_id else get_current_period(None, local_today())
    open_periods = [p for p, _ in list_periods(current_user) if is_open(p, local_today())]
    page = request.args.get("page", type=parse_int) or 1
    return render_template(
        "reporting/reminders.html",
        data=queries.list_reminder_page(period, page, PER_PAGE) if period else None,
        period=period,
        open_periods=open_periods,
        history=list_reminder_history(period) if period else [],
        form=ReminderSendForm(),
    )


@bp.route("/reporting/periods/<int:period_id>/remind", methods=["POST"])
@requires("reminder.send")
def send_reminder_view(period_id):
    period = queries.get_period(period_id)
    form = ReminderSendForm()
    back = redirect(
        request.form.get("next")
        if _local(request.form.get("next"))
        else url_for("reporting.reminders", period_id=period.id)
    )
    if not form.validate_on_submit():
        flash(
            "；".join(e for errors in form.errors.values() for e in errors) or "表单无效，请刷新后重试。",
            "error",
        )
        return back
    try:
        reminder = send_reminder(current_user, period, form.county_id.data, form.message.data)
    except DomainError as e:
        refuse(e)
        return back
    mails = f"，发出邮件 {reminder.email_count} 封" if reminder.email_count else ""
    flash(
        f"已催报：{reminder.project_count} 个未报送项目，通知 {reminder.recipient_count} 人{mails}。",
        "success",
    )
    return back


def _local(target: str | None) -> bool:
    return bool(target) and target.startswith("/") and not target.startswith("//")
