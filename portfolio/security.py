"""Request-wide protections: security headers and the SQLite write intent of each request."""

from flask import request
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from portfolio.db import write_intent
from portfolio.numbers import INT_MAX

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


class IdConverter(IntegerConverter):
    """<int:…> in every route: a number beyond any id (25 digits…) is no match (404), not an overflow."""

    def __init__(self, map, fixed_digits=0, min=None, max=INT_MAX, signed=False):
        super().__init__(map, fixed_digits, min, max, signed)


def trusted_proxies(config) -> frozenset[str]:
    """The addresses of the reverse proxies whose X-Forwarded-* headers are believed (loopback by default)."""
    raw = config.get("TRUSTED_PROXIES") or "127.0.0.1,::1"
    return frozenset(part.strip() for part in str(raw).split(",") if part.strip())


class TrustedProxyFix:
    """ProxyFix for requests arriving from a trusted proxy; the headers of anyone else are ignored."""

    def __init__(self, app, hops: int, trusted: frozenset[str]):
        self.plain = app
        self.fixed = ProxyFix(app, x_for=hops, x_proto=hops, x_host=hops)
        self.trusted = trusted

    def __call__(self, environ, start_response):
        if environ.get("REMOTE_ADDR") in self.trusted:
            return self.fixed(environ, start_response)
        return self.plain(environ, start_response)


def init_app(app) -> None:
    # Before the blueprints are registered, so every route's <int:…> uses it.
    app.url_map.converters["int"] = IdConverter
    hops = int(app.config.get("PROXY_HOPS") or 0)
    if hops:
        # Behind the reverse proxy every request comes from the proxy: take the client's address from
        # the headers it sets, so the login throttle counts clients rather than the proxy. Only the
        # configured proxy is believed: anyone else could forge X-Forwarded-For to dodge the throttle.
        app.wsgi_app = TrustedProxyFix(app.wsgi_app, hops, trusted_proxies(app.config))

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
