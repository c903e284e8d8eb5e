from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from portfolio.auth import bp
from portfolio.auth.forms import LoginForm
from portfolio.auth.services import LoginRefused, authenticate, end_sessions
from portfolio.db import session
from portfolio.permissions import requires


def _safe_next(target: str | None) -> str:
    """Only follow a same-site relative path after login."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("projects.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("projects.index"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = authenticate(form.username.data, form.password.data, request.remote_addr)
        except LoginRefused as refused:
            session.commit()  # keep the failure count
            flash(refused.message, "error")
        else:
            session.commit()
            login_user(user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@requires("account.self")
def logout():
    end_sessions(current_user)
    session.commit()
    logout_user()
    flash("您已安全退出。", "info")
    return redirect(url_for("auth.login"))
