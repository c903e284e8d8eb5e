"""API tokens: made by the create-token command, listed and revoked on the token page."""

from flask import Blueprint

bp = Blueprint("tokens", __name__)
