from flask import Blueprint

bp = Blueprint("annex", __name__)
