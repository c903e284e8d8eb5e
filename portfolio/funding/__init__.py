"""Funding sources (资金来源): each plan's list, projects' planned breakdowns and funds received by period."""

from flask import Blueprint

bp = Blueprint("funding", __name__)
