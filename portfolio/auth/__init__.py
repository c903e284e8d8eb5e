from flask import Blueprint
from flask_login import LoginManager

bp = Blueprint("auth", __name__)
login_manager = LoginManager()


def init_login(app) -> None:
    from flask import current_app

    from portfolio.auth.services import load_session_user
    from portfolio.auth.sessions import SessionRules

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "请先登录。"
    login_manager.login_message_category = "warning"
    login_manager.session_protection = "basic"
    login_manager.user_loader(
        lambda cookie_id: load_session_user(cookie_id, SessionRules.from_config(current_app.config))
    )
