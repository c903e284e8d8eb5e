"""The 工作台: each role's first page after login, saying what to do next."""

from flask import Blueprint

bp = Blueprint("home", __name__)
