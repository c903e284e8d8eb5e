"""One configuration object; the environment overrides it, tests pass their own mapping."""

import os
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class Config:
    SECRET_KEY = os.environ.get("FLASK_SECRET_KEY") or os.environ.get("SECRET_KEY")
    DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{ROOT / 'instance' / 'portfolio.db'}"
    # Where uploaded attachments live: outside the web root, served only through a permission check.
    UPLOAD_DIR = os.environ.get("PORTFOLIO_UPLOAD_DIR") or str(ROOT / "instance" / "uploads")
    # The annex loaded into an empty database on first run.
    SEED_ANNEX = os.environ.get("PORTFOLIO_SEED_ANNEX") or str(ROOT / "import" / "major-projects-annex.xlsx")
    # "quarter" or "month": how this deployment cuts reporting periods.
    REPORTING_CADENCE = os.environ.get("PORTFOLIO_REPORTING_CADENCE", "quarter")
    # The zone every time is shown in (stored times are UTC); deadlines are dates in this zone.
    TIMEZONE = os.environ.get("PORTFOLIO_TIMEZONE") or "Asia/Shanghai"
    MAX_CONTENT_LENGTH = 32 * 1024 * 1024
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False  # True in production (FLASK_ENV_PRODUCTION=1): see load_config
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    # A session ends after SESSION_IDLE_MINUTES without a request and SESSION_LIFETIME_HOURS after login,
    # whatever the cookies say (FLASK_SESSION_IDLE_MINUTES / FLASK_SESSION_LIFETIME_HOURS override).
    SESSION_IDLE_MINUTES = 30
    SESSION_LIFETIME_HOURS = 12
    REMEMBER_COOKIE_DURATION = timedelta(hours=12)
    # Reverse proxies in front of the app (1 in production: see load_config). Their X-Forwarded-For
    # gives the client's address, which the login throttle counts; with 0 the header is ignored.
    PROXY_HOPS = 0
    # Comma-separated addresses of those proxies; X-Forwarded-For from any other address is ignored.
    TRUSTED_PROXIES = "127.0.0.1,::1"
    WTF_CSRF_TIME_LIMIT = None  # a long form-filling session must not lose its work to a token timeout
    PAGE_SIZE = 50
    # FLASK_ENV_PRODUCTION=1: a real deployment. seed-demo refuses to run there.
    ENV_PRODUCTION = False
    # The intranet's SMTP server for notification e-mail (FLASK_MAIL_SERVER …); empty: in-app only.
    MAIL_SERVER = ""
    PUBLIC_URL = ""  # how users reach the app, for links in e-mail (https://xmdd.example.gov.cn)
    MAIL_PORT = 25
    MAIL_SENDER = ""
    MAIL_USERNAME = ""
    MAIL_PASSWORD = ""
    MAIL_USE_TLS = False
    TESTING = False
    # The JSON API: requests per token in each window (seconds); see portfolio/tokens/metering.py.
    API_RATE_LIMIT = 120
    API_RATE_WINDOW = 60
    # OC4IDS: the publisher's registered project identifier prefix and name, set per deployment.
    OC4IDS_PREFIX = "oc4ids-jzsthj"
    OC4IDS_PUBLISHER = "焦作市生态环境局"


def load_config(overrides: dict | None) -> dict:
    """Collect Config, then FLASK_* environment variables, then explicit overrides."""
    values = {k: getattr(Config, k) for k in dir(Config) if k.isupper()}
    if os.environ.get("FLASK_ENV_PRODUCTION", "") == "1":
        # Production is served over HTTPS only, by the reverse proxy: no cookie may ever travel in clear.
        values["SESSION_COOKIE_SECURE"] = values["REMEMBER_COOKIE_SECURE"] = True
        values["PROXY_HOPS"] = 1
    for key, raw in os.environ.items():
        if key.startswith("FLASK_") and key[6:] in values and key != "FLASK_APP":
            values[key[6:]] = _from_env(values[key[6:]], raw)
    values.update(overrides or {})
    return values


def _from_env(default, raw: str):
    """An environment string in the type of the default it replaces: "0" must not read as true."""
    if isinstance(default, bool):
        return raw.strip().lower() in ("1", "true", "yes", "on")
    if isinstance(default, int):
        return int(raw)
    return raw
