"""The read-only JSON API under /api/v1/: token-authenticated, same permission table as the web."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")
