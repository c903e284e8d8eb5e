"""The 口径说明 page, and the `definitions_for` helper every template uses under its tables."""

from flask import Blueprint

from portfolio.definitions import notes_for

bp = Blueprint("glossary", __name__)


@bp.record_once
def _share_definitions(state) -> None:
    # A Jinja global (not a context processor) so imported macros see it too.
    state.app.jinja_env.globals["definitions_for"] = notes_for
