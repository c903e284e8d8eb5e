"""The planners' cockpit (驾驶舱): headline figures, charts with their data tables, the county tile map."""

from flask import render_template, request
from flask_login import current_user

from portfolio.dashboard import bp
from portfolio.dashboard.charts import build_charts
from portfolio.dashboard.filters import BoardFilters
from portfolio.dashboard.queries import get_dashboard
from portfolio.dashboard.tiles import MAP_MODES, build_tiles
from portfolio.permissions import requires
from portfolio.projects.queries import list_plans


@bp.route("/dashboard")
@requires("dashboard.view")
def index():
    filters = BoardFilters.from_args(request.args)
    board = get_dashboard(current_user, filters)
    mode = request.args.get("map") if request.args.get("map") in MAP_MODES else "rate"
    return render_template(
        "dashboard/index.html",
        board=board,
        charts=build_charts(board),
        tiles=build_tiles(board.by_county, board.as_of, mode),
        map_mode=mode,
        map_modes=MAP_MODES,
        plans=list_plans(),
    )
