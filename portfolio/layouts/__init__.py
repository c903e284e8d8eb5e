"""Sheet layouts (版式, 一张表): sheets planners define as data, produced from the one set of project data."""

from flask import Blueprint

bp = Blueprint("layouts", __name__)
