from flask import Blueprint

bp = Blueprint("adjustments", __name__)
