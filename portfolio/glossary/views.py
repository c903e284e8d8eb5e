"""One page listing every measure's definition, grouped as users look for them."""

from itertools import groupby

from flask import render_template

from portfolio.definitions import list_definitions
from portfolio.glossary import bp
from portfolio.permissions import requires


@bp.route("/definitions")
@requires("definitions.view")
def index():
    groups = [(name, list(items)) for name, items in groupby(list_definitions(), key=lambda d: d.group)]
    return render_template("glossary/index.html", groups=groups)
