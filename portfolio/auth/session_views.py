"""The account's sessions page: every browser signed in as me, and "sign out the others"."""

from flask import current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from portfolio.auth import bp
from portfolio.auth.forms import SessionsEndForm
from portfolio.auth.sessions import SessionRules, end_other_sessions, list_active_sessions, session_ends_at
from portfolio.permissions import requires


@bp.route("/account/sessions")
@requires("account.self")
def sessions():
    rules = SessionRules.from_config(current_app.config)
    rows = list_active_sessions(current_user, rules)
    return render_template(
        "auth/sessions.html",
        rows=[(row, session_ends_at(row, rules)) for row in rows],
        current_sid=getattr(current_user, "current_sid", None),
        rules=rules,
        form=SessionsEndForm(),
    )


@bp.route("/account/sessions/others", methods=["POST"])
@requires("account.self")
def end_others():
    if SessionsEndForm().validate_on_submit():
        ended = end_other_sessions(current_user, getattr(current_user, "current_sid", None))
        flash(f"已退出其他 {ended} 处登录。" if ended else "没有其他登录。", "success")
    return redirect(url_for("auth.sessions"))
