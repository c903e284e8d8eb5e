"""ECharts options for the dashboard's charts, built from the same figures its tables show.

Plain dicts of numbers and Chinese labels: the template writes them as JSON, static/js/dashboard.js
hands each to ECharts. Amounts are 万元 rounded to two places.
"""

from decimal import Decimal

from portfolio.dashboard.queries import BoardRow, Dashboard
from portfolio.reporting.warnings import Level

LEVEL_COLOURS = {
    Level.RED: "#d64545",
    Level.YELLOW: "#e0b21b",
    Level.GREEN: "#2f8f4e",
    Level.UNREPORTED: "#9aa5b1",
    Level.INACTIVE: "#cbd2d9",
}
PLAN_COLOUR, DONE_COLOUR, LINE_COLOUR = "#8fb8a5", "#127a50", "#b4451f"


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(round(value, 2))


def _base(title: str) -> dict:
    return {
        "title": {"text": title, "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "toolbox": {"feature": {"saveAsImage": {"title": "保存为图片", "pixelRatio": 2}}},
        "grid": {"left": 60, "right": 24, "top": 56, "bottom": 64, "containLabel": True},
        "animation": False,
    }


# A chart narrower than this (a phone) lays a labelled bar chart on its side, as the laggards chart always
# is: slanted labels of ten categories or thirteen counties overlap at 390 px; names down the side do not.
# static/js/dashboard.js then makes the chart tall enough for its rows (data-rows) and reads the width from
# here; a chart kept short (printed, 70 mm) stays upright as before.
NARROW_PX, SIDEWAYS_MIN_HEIGHT_PX = 520, 360


def _on_their_side(labels: list[str], unit: str, legend_lines: int = 1) -> dict:
    """ECharts media rule: a narrow, tall chart runs its category axis down the left, labels wrapped."""
    return {
        "query": {"maxWidth": NARROW_PX, "minHeight": SIDEWAYS_MIN_HEIGHT_PX},
        "option": {
            "grid": {
                "left": 8,
                "right": 24,
                "top": 56,
                "bottom": 32 + 24 * legend_lines,
                "containLabel": True,
            },
            "xAxis": {
                "type": "value",
                "name": unit,
                "nameLocation": "middle",
                "nameGap": 26,
                "axisLabel": {"rotate": 0, "hideOverlap": True},
            },
            "yAxis": {
                "type": "category",
                "data": labels,
                "name": "",
                "inverse": True,  # first row on top, as in the table
                "axisLabel": {"interval": 0, "width": 120, "overflow": "break", "lineHeight": 14},
            },
        },
    }


def _paired_bars(title: str, labels: list[str], planned: tuple[str, list], done: tuple[str, list]) -> dict:
    """Two bars per label on a category axis: a planned figure beside what was done against it."""
    option = _base(title)
    option.update(
        legend={"bottom": 0, "data": [planned[0], done[0]]},
        xAxis={"type": "category", "data": labels, "axisLabel": {"interval": 0, "rotate": 30}},
        yAxis={"type": "value", "name": "万元"},
        series=[
            {"name": name, "type": "bar", "color": colour, "data": [_num(v) for v in values]}
            for (name, values), colour in ((planned, PLAN_COLOUR), (done, DONE_COLOUR))
        ],
        media=[_on_their_side(labels, "万元")],
    )
    return option


def _plan_against_done(title: str, rows: list[BoardRow]) -> dict:
    return _paired_bars(
        title,
        [r.label for r in rows],
        ("年度计划投资", [r.annual_wan for r in rows]),
        ("年度累计完成投资", [r.year_wan for r in rows]),
    )


def _warnings_by_county(board: Dashboard) -> dict:
    option = _base("各县区项目预警情况")
    levels = board.levels[:4]
    option.update(
        legend={"bottom": 0, "data": [level.label for level in levels]},
        xAxis={
            "type": "category",
            "data": [r.label for r in board.by_county],
            "axisLabel": {"interval": 0, "rotate": 30},
        },
        yAxis={"type": "value", "name": "项目数", "minInterval": 1},
        media=[_on_their_side([r.label for r in board.by_county], "项目数", legend_lines=2)],
        series=[
            {
                "name": level.label,
                "type": "bar",
                "stack": "levels",
                "color": LEVEL_COLOURS[level],
                "data": [r.levels[level] for r in board.by_county],
            }
            for level in levels
        ],
    )
    return option


def _cumulative(board: Dashboard) -> dict:
    option = _base("累计完成投资与序时进度")
    option.update(
        legend={"bottom": 0, "data": ["累计完成投资", "按序时进度应完成"]},
        xAxis={"type": "category", "data": [p.code for p in board.trend]},
        yAxis={"type": "value", "name": "万元"},
        series=[
            {
                "name": "累计完成投资",
                "type": "bar",
                "color": DONE_COLOUR,
                "data": [_num(p.cumulative_wan) for p in board.trend],
            },
            {
                "name": "按序时进度应完成",
                "type": "line",
                "color": LINE_COLOUR,
                "data": [_num(p.pro_rata_wan) for p in board.trend],
            },
        ],
    )
    return option


def _statuses(board: Dashboard) -> dict:
    option = _base("项目建设状态")
    option["tooltip"] = {"trigger": "item", "formatter": "{b}：{c} 个（{d}%）"}
    option["legend"] = {"bottom": 0}
    option["series"] = [
        {
            "name": "项目数",
            "type": "pie",
            "radius": ["35%", "62%"],
            "label": {"formatter": "{b} {c}"},
            "data": [{"name": label, "value": count} for label, count in board.statuses],
        }
    ]
    return option


def _laggards(board: Dashboard) -> dict:
    option = _base("落后序时进度最多的十个项目")
    rows = list(reversed(board.laggards))  # ECharts draws a category axis bottom-up
    option.update(
        grid={"left": 12, "right": 40, "top": 56, "bottom": 24, "containLabel": True},
        xAxis={"type": "value", "name": "百分点", "axisLabel": {"hideOverlap": True}},
        yAxis={
            "type": "category",
            "data": [lag.name for lag in rows],
            "axisLabel": {"width": 220, "overflow": "truncate"},
        },
        # On a phone 220 px of names leave the bars no room: shorter names, the unit under the axis.
        media=[
            {
                "query": {"maxWidth": NARROW_PX},
                "option": {
                    "grid": {"bottom": 44},
                    "xAxis": {"nameLocation": "middle", "nameGap": 24},
                    "yAxis": {"axisLabel": {"width": 130}},
                },
            }
        ],
        series=[
            {
                "name": "落后序时进度（百分点）",
                "type": "bar",
                "label": {"show": True, "position": "right"},
                "data": [
                    {
                        "value": _num(lag.progress.warning.behind_points),
                        "itemStyle": {"color": LEVEL_COLOURS[lag.progress.warning.level]},
                    }
                    for lag in rows
                ],
            }
        ],
    )
    return option


def _funding(board: Dashboard) -> dict:
    return _paired_bars(
        "按资金来源计划与到位资金",
        [t.source.name for t in board.funding],
        ("计划资金", [t.planned_wan for t in board.funding]),
        ("累计到位资金", [t.received_wan for t in board.funding]),
    )


def build_charts(board: Dashboard) -> dict[str, dict]:
    """chart name (the element's data-chart) → its ECharts option."""
    return {
        "by-category": _plan_against_done("分类别年度计划与完成投资", board.by_category),
        "by-county": _plan_against_done("分县区年度计划与完成投资", board.by_county),
        "warnings-by-county": _warnings_by_county(board),
        "cumulative": _cumulative(board),
        "status": _statuses(board),
        "laggards": _laggards(board),
        "funding": _funding(board),
    }
