from urllib.parse import urlsplit

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask import session as flask_session
from flask_login import current_user, login_user, logout_user

from portfolio.auth import bp
from portfolio.auth.forms import (
    AccountActiveForm,
    AccountCreateForm,
    AccountEditForm,
    LockLiftForm,
    LoginForm,
    PasswordChangeForm,
    PasswordResetForm,
)
from portfolio.auth.models import User
from portfolio.auth.queries import get_user, list_locations, list_units, list_users
from portfolio.auth.services import (
    LoginRefused,
    account_marker,
    authenticate,
    change_own_password,
    create_user,
    lift_login_lock,
    list_login_locks,
    reset_password,
    set_active,
    update_account,
)
from portfolio.auth.sessions import end_session, start_session
from portfolio.db import utcnow
from portfolio.errors import DomainError
from portfolio.permissions import requires
from portfolio.unit_of_work import refuse

_FAILED = object()


def _safe_next(target: str | None) -> str:
    """Only follow a same-site relative path after login: no scheme, host, backslash or control character."""
    if (
        target
        and len(target) <= 2000
        and target.startswith("/")
        and not target.startswith(("//", "/\\"))
        and target.isprintable()
        and "\\" not in target
        and not urlsplit(target).netloc
        and not urlsplit(target).scheme
    ):
        return target
    return url_for("home.index")


def _attempt(service, *args):
    """Run one service; on a refusal roll back, flash its message and return _FAILED."""
    try:
        return service(*args)
    except DomainError as refused:
        refuse(refused)
        return _FAILED


def _load_user(user_id: int) -> User:
    return get_user(user_id) or abort(404)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = authenticate(form.username.data, form.password.data, request.remote_addr)
        except LoginRefused as refused:
            refuse(refused)  # keeps the failure count: LoginRefused.keeps_changes
        else:
            target = _safe_next(request.args.get("next"))
            # A new session: nothing of the anonymous one survives (a fresh CSRF token is made on demand).
            flask_session.clear()
            start_session(user, request.remote_addr, request.user_agent.string)
            login_user(user, remember=form.remember.data)
            return redirect(target)
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@requires("account.self")
def logout():
    end_session(getattr(current_user, "current_sid", None))
    logout_user()
    flask_session.clear()
    flash("您已安全退出。", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@requires("account.self")
def password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        if _attempt(change_own_password, user, form.current.data, form.password.data) is not _FAILED:
            # The token changed: sign this browser in again so only the other sessions end.
            remember_cookie = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
            login_user(user, remember=remember_cookie in request.cookies)
            flash("密码已修改；您在其他浏览器或设备上的登录已全部退出。", "success")
            return redirect(url_for("auth.password"))
    return render_template("auth/password.html", form=form)


@bp.route("/users")
@requires("user.manage")
def users():
    return render_template("auth/users.html", users=list_users(), now=utcnow())


@bp.route("/users/locks")
@requires("user.manage")
def locks():
    return render_template("auth/locks.html", locks=list_login_locks(), form=LockLiftForm(), now=utcnow())


@bp.route("/users/locks/lift", methods=["POST"])
@requires("user.manage")
def lift_lock():
    form = LockLiftForm()
    if not form.validate_on_submit():
        flash("无效的操作。", "error")
    elif _attempt(lift_login_lock, current_user, form.username.data, form.ip.data) is not _FAILED:
        flash(f"已解除“{form.username.data}”在 {form.ip.data} 的登录限制。", "success")
    return redirect(url_for("auth.locks"))


@bp.route("/users/new", methods=["GET", "POST"])
@requires("user.manage")
def user_create():
    form = AccountCreateForm()
    form.set_scope_choices(list_locations(), list_units())
    if form.validate_on_submit():
        data = form.account_data(form.username.data.strip())
        user = _attempt(create_user, current_user, data, form.password.data)
        if user is not _FAILED:
            flash(f"已创建账号“{user.username}”。", "success")
            return redirect(url_for("auth.users"))
    return render_template("auth/user_new.html", form=form)


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@requires("user.manage")
def user_edit(user_id: int):
    user = _load_user(user_id)
    # Prefill only on GET: a POST is judged on what it sent, the marker above all.
    form = AccountEditForm(data=_edit_form_data(user) if request.method == "GET" else None)
    form.set_scope_choices(list_locations(), list_units())
    if form.validate_on_submit():
        data = form.account_data(user.username)
        changed = _attempt(update_account, current_user, user, data, form.marker.data)
        if changed is not _FAILED:
            flash("账号信息已保存。" if changed else "未作任何修改。", "success" if changed else "info")
            return redirect(url_for("auth.user_edit", user_id=user.id))
        form.marker.data = account_marker(user)  # keep the input; a second save applies it knowingly
    return render_template(
        "auth/user_edit.html",
        user=user,
        form=form,
        reset_form=PasswordResetForm(formdata=None),
        active_form=AccountActiveForm(formdata=None, active="0" if user.is_active else "1"),
    )


def _edit_form_data(user: User) -> dict:
    return {
        "display_name": user.display_name,
        "email": user.email or "",
        "role": user.role.value,
        "county": user.county.name if user.county else "",
        "unit": user.unit.name if user.unit else "",
        "marker": account_marker(user),
    }


@bp.route("/users/<int:user_id>/password", methods=["POST"])
@requires("user.manage")
def user_password(user_id: int):
    user = _load_user(user_id)
    form = PasswordResetForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            flash("；".join(errors), "error")
    elif _attempt(reset_password, current_user, user, form.password.data) is not _FAILED:
        flash(f"已重置“{user.username}”的密码，其现有登录已全部失效。", "success")
    return redirect(url_for("auth.user_edit", user_id=user.id))


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@requires("user.manage")
def user_active(user_id: int):
    user = _load_user(user_id)
    form = AccountActiveForm()
    active = form.active.data == "1"
    if not form.validate_on_submit():
        flash("无效的操作。", "error")
    elif _attempt(set_active, current_user, user, active) is not _FAILED:
        flash(f"已{'启用' if active else '停用'}账号“{user.username}”。", "success")
    return redirect(url_for("auth.user_edit", user_id=user.id))


from portfolio.auth import session_views  # noqa: E402,F401  (the account sessions page)
