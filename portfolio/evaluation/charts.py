"""Server-side SVG charts for the evaluation report: no JavaScript, nothing fetched, allowed by the CSP.

Colours are SVG presentation attributes (fill=…), not style attributes, so `style-src 'self'` holds.
"""

from decimal import Decimal

from markupsafe import Markup, escape

from portfolio.evaluation.indicator_assessment import IndicatorStatus
from portfolio.evaluation.models import ProjectClass
from portfolio.evaluation.snapshot import INACTIVE_LINE

CLASS_COLOURS = {
    ProjectClass.COMPLETED_EARLY: "#0b5c3b",
    ProjectClass.COMPLETED: "#2f8f4e",
    ProjectClass.ON_SCHEDULE: "#8cc9a0",
    ProjectClass.LAGGING: "#d64545",
    ProjectClass.NOT_STARTED: "#e0a800",
    ProjectClass.MANUAL: "#b8a1d9",
    ProjectClass.WITHDRAWN: "#9aa5b1",
    ProjectClass.CANCELLED: "#616e7c",
}
STATUS_COLOURS = {
    IndicatorStatus.ACHIEVED: "#2f8f4e",
    IndicatorStatus.ON_TRACK: "#8cc9a0",
    IndicatorStatus.LAGGING: "#d64545",
    IndicatorStatus.FLOOR_MET: "#2f8f4e",
    IndicatorStatus.FLOOR_KEPT: "#8cc9a0",
    IndicatorStatus.FLOOR_MISSED: "#d64545",
    IndicatorStatus.DONE: "#2f8f4e",
    IndicatorStatus.NOT_DONE: "#d64545",
    IndicatorStatus.MANUAL: "#9aa5b1",
}
WIDTH, ROW, GAP, FONT = 760, 22, 8, 12


def _label_width(labels: list[str]) -> int:
    return min(max((len(s) for s in labels), default=4) * (FONT + 1) + 12, 260)


def _svg(height: int, body: list[str], title: str) -> Markup:
    head = (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'xmlns="http://www.w3.org/2000/svg" font-size="{FONT}"><title>{escape(title)}</title>'
    )
    return Markup(head + "".join(body) + "</svg>")


def _text(x: float, y: float, text, anchor: str = "start", fill: str = "#1f2933") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{fill}">{escape(str(text))}</text>'


def _rect(x: float, y: float, w: float, h: float, fill: str, tip: str) -> str:
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{h}" fill="{fill}">'
        f"<title>{escape(tip)}</title></rect>"
    )


def bar_chart(
    items: list[tuple[str, float, str]], title: str, unit: str = "", scale: float | None = None
) -> Markup:
    """Horizontal bars, one per (label, value, colour); `scale` fixes the full width (100 for percents)."""
    left = _label_width([label for label, _, _ in items])
    room = WIDTH - left - 70
    top = max([scale or 0, *[float(v) for _, v, _ in items]]) or 1
    body = []
    for i, (label, value, colour) in enumerate(items):
        y = GAP + i * (ROW + GAP)
        width = room * min(float(value), top) / top
        body.append(_text(left - 8, y + ROW - 6, label, "end"))
        body.append(_rect(left, y, width, ROW, colour, f"{label}：{value}{unit}"))
        body.append(_text(left + width + 6, y + ROW - 6, f"{value}{unit}"))
    return _svg(GAP + len(items) * (ROW + GAP), body, title)


def stacked_chart(
    rows: list[tuple[str, dict[str, int]]], series: list[tuple[str, str, str]], title: str
) -> Markup:
    """One horizontal bar per row, split by series (key, label, colour), with a legend underneath."""
    left = _label_width([label for label, _ in rows])
    room = WIDTH - left - 50
    top = max((sum(counts.values()) for _, counts in rows), default=0) or 1
    body = []
    for i, (label, counts) in enumerate(rows):
        y = GAP + i * (ROW + GAP)
        x = float(left)
        body.append(_text(left - 8, y + ROW - 6, label, "end"))
        for key, name, colour in series:
            n = counts.get(key, 0)
            if n:
                w = room * n / top
                body.append(_rect(x, y, w, ROW, colour, f"{label} · {name}：{n}"))
                if w > 16:
                    body.append(_text(x + w / 2, y + ROW - 6, n, "middle", "#fff"))
                x += w
        body.append(_text(x + 6, y + ROW - 6, sum(counts.values())))
    legend_y = GAP + len(rows) * (ROW + GAP) + 6
    x = float(left)
    for _key, name, colour in series:
        body.append(_rect(x, legend_y, 12, 12, colour, name))
        body.append(_text(x + 16, legend_y + 11, name))
        x += 16 + len(name) * (FONT + 1) + 18
    return _svg(legend_y + 22, body, title)


CLASS_SERIES = [(k.value, k.label, CLASS_COLOURS[k]) for k in ProjectClass]


def report_charts(data: dict) -> dict[str, Markup]:
    """The four charts of the report page, from the report dict (live or frozen alike)."""
    classes = [(k.label, data["class_counts"].get(k.value, 0), CLASS_COLOURS[k]) for k in ProjectClass]
    statuses = [
        (s.label, data["indicator_counts"].get(s.value, 0), STATUS_COLOURS[s])
        for s in IndicatorStatus
        if data["indicator_counts"].get(s.value)
    ]
    categories = [g for g in data["by_category"] if g["name"] not in ("合计", INACTIVE_LINE)]
    invest = [(g["name"], Decimal(g["plan_rate_pct"] or 0), "#127a50") for g in categories if g["projects"]]
    return {
        "classes": bar_chart(classes, "项目评估分类"),
        "indicators": bar_chart(statuses, "指标评估状态"),
        "by_category": stacked_chart(
            [(g["name"], g["counts"]) for g in categories], CLASS_SERIES, "分类别项目评估"
        ),
        "investment": bar_chart(invest, "分类别计划投资完成率", "%", scale=100),
    }


def compare_chart(reports: list[tuple[str, dict]]) -> Markup:
    """Class counts of several rounds side by side, one stacked bar per round."""
    return stacked_chart(
        [(name, data["class_counts"]) for name, data in reports], CLASS_SERIES, "各轮次项目分类对比"
    )
