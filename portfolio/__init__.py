"""The application factory: configuration, extensions, blueprints, CLI and error handlers."""

import logging
import secrets
from importlib import import_module
from pathlib import Path

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError, CSRFProtect

from portfolio import db, unit_of_work
from portfolio.api.errors import API_MESSAGES, API_PREFIX, api_error
from portfolio.config import ROOT, load_config
from portfolio.errors import DomainError

# Every domain package exposes a blueprint named bp; its views module adds the routes.
DOMAINS = (
    "auth",
    "projects",
    "annex",
    "reporting",
    "exports",
    "layouts",
    "evaluation",
    "audit",
    "home",
    "dashboard",
    "funding",
    "glossary",
    "supervision",
    "plans",
    "notify",
    "tokens",
    "api",
    "adjustments",
)

csrf = CSRFProtect()


def create_app(config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    app.config.update(load_config(config))
    # JSON answers (the API, OC4IDS) carry Chinese as UTF-8 text, as the CLI's JSON does, not \uXXXX escapes.
    app.json.ensure_ascii = False
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path))
    # Warnings and above (the security log among them) reach the server log; library start-up chatter
    # (Alembic's INFO lines) stays out of the CLI unless a command runs with --verbose.
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from portfolio.localtime import zone_from_name

    app.extensions["local_zone"] = zone_from_name(app.config["TIMEZONE"])

    db.init_app(app)
    unit_of_work.init_app(app)  # first, so its after_request (the commit) runs after all others
    csrf.init_app(app)
    from portfolio import auth, security, templating

    auth.init_login(app)
    security.init_app(app)
    templating.init_app(app)
    for name in DOMAINS:
        import_module(f"portfolio.{name}.views")  # attaches the routes to the domain's blueprint
        app.register_blueprint(import_module(f"portfolio.{name}").bp)
    from portfolio.cli import register_cli

    register_cli(app)
    _register_error_pages(app)
    return app


def _instance_secret(instance: Path) -> str:
    """A random key kept in instance/, so sessions survive restarts without a key in the repository."""
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _register_error_pages(app: Flask) -> None:
    messages = {
        400: "请求有误，请返回后重试。",
        403: "您没有执行此操作的权限。",
        404: "页面或记录不存在，或您无权查看。",
        405: "不支持此请求方式。",
        413: "上传的文件过大。",
        500: "系统内部错误，请稍后重试或联系管理员。",
    }

    def render(code: int, message: str | None = None, error=None):
        if _is_api_request():
            return api_error(code, message or API_MESSAGES.get(code, messages[code]), error)
        return render_template("error.html", code=code, message=message or messages[code]), code

    for code in messages:
        app.register_error_handler(code, lambda e, code=code: render(code, error=e))

    @app.errorhandler(CSRFError)
    def _csrf(e):
        return render(400, "表单已过期或来源不明（CSRF 校验失败），请刷新页面后重新提交。")

    @app.errorhandler(DomainError)
    def _domain(e):
        return render(e.status, e.message)


def _is_api_request() -> bool:
    """Any URL under /api/v1, matched or not: its errors answer JSON, never the HTML error page."""
    return request.path == API_PREFIX or request.path.startswith(API_PREFIX + "/")
