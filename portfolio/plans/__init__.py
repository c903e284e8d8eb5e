"""Plans as data: the plan file, `plans load` / `plans list`, and the planners' plan-management pages."""

from flask import Blueprint

bp = Blueprint("plans", __name__)
