"""The token page: administrators see and revoke every token, everyone else their own."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import InputRequired, Regexp

from portfolio.db import utcnow
from portfolio.errors import DomainError
from portfolio.permissions import requires
from portfolio.tokens import bp
from portfolio.tokens.queries import list_tokens
from portfolio.tokens.services import revoke_token
from portfolio.unit_of_work import refuse


class TokenRevokeForm(FlaskForm):
    token_id = HiddenField(validators=[InputRequired(), Regexp(r"^\d{1,9}$")])


@bp.route("/account/tokens")
@requires("account.self")
def index():
    return render_template(
        "tokens/index.html", tokens=list_tokens(current_user), now=utcnow(), form=TokenRevokeForm()
    )


@bp.route("/account/tokens/revoke", methods=["POST"])
@requires("account.self")
def revoke():
    form = TokenRevokeForm()
    if not form.validate_on_submit():
        flash("请求无效，请刷新页面后重试。", "error")
        return redirect(url_for("tokens.index"))
    try:
        token = revoke_token(current_user, int(form.token_id.data))
    except DomainError as refused:
        refuse(refused)
        return redirect(url_for("tokens.index"))
    flash(f"令牌 {token.prefix}… 已吊销，使用它的请求将被拒绝。", "success")
    return redirect(url_for("tokens.index"))
