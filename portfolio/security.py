"""Request-wide protections: security headers and the SQLite write intent of each request."""

from flask import request
from werkzeug.middleware.proxy_fix import ProxyFix

from portfolio.db import write_intent

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def init_app(app) -> None:
    hops = int(app.config.get("PROXY_HOPS") or 0)
    if hops:
        # Behind the reverse proxy every request comes from the proxy: take the client's address from
        # the headers it sets, so the login throttle counts clients rather than the proxy.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    @app.before_request
    def _mark_write_intent():
        # Reads begin deferred transactions; anything that may write takes SQLite's write lock up front.
        request.environ["portfolio.write_token"] = write_intent.set(request.method not in SAFE_METHODS)

    @app.teardown_request
    def _reset_write_intent(_exc):
        token = request.environ.pop("portfolio.write_token", None)
        if token is not None:
            try:
                write_intent.reset(token)
            except ValueError:  # torn down in another context: the next request sets it afresh
                pass

    @app.after_request
    def _headers(response):
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if response.mimetype == "text/html":
            response.headers.setdefault("Cache-Control", "no-store")
        return response
