"""A schematic tile map of Jiaozuo: one tile per county-level unit, placed roughly as on the ground.

Tiles, not boundaries: a published map of China needs an approval number (审图号); a grid of named
squares is a diagram, not a map. Rows run north to south, columns west to east.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from portfolio.definitions.investment import rate
from portfolio.definitions.schedule import YEAR_RATE_BAND, year_schedule_exact
from portfolio.reporting.warnings import Level

# name -> (row, column), 1-based for CSS grid.
TILE_POSITIONS: dict[str, tuple[int, int]] = {
    "博爱县": (1, 2),
    "中站区": (1, 3),
    "解放区": (1, 4),
    "山阳区": (1, 5),
    "马村区": (1, 6),
    "修武县": (1, 7),
    "沁阳市": (2, 1),
    "示范区": (2, 5),
    "武陟县": (3, 5),
    "孟州市": (3, 1),
    "温县": (3, 3),
}
# 全市 and 中心城区 are not places on the ground: they have no position and sit in a row below the map.
# static/css/dashboard.css lays out a grid of 3 rows by 7 columns (.tile-r1 … .tile-c7).


MAP_MODES = {"rate": "按年度计划完成率着色", "warnings": "按预警着色"}
# A county this many points below the year's pro-rata share is yellow; twice as far, red.


@dataclass(frozen=True)
class Tile:
    name: str
    location_id: int
    row: int | None
    column: int | None
    tone: str  # red, yellow, green or none: a CSS class
    figure: str  # the number printed on the tile
    note: str  # a line under it
    count: int


def _rate_tile(row, share: Decimal) -> tuple[str, str, str]:
    """Coloured by the exact rate against the exact year schedule (county_tile_colour); shown rounded."""
    exact = rate(row.planned_year_wan, row.annual_wan)
    if exact is None:
        return "none", "—", "无年度计划"
    if exact >= share:
        tone = "green"
    elif exact >= share - YEAR_RATE_BAND:
        tone = "yellow"
    else:
        tone = "red"
    return tone, f"{row.annual_rate}%", "年度计划完成率"


def _warning_tile(row) -> tuple[str, str, str]:
    red, yellow = row.levels[Level.RED], row.levels[Level.YELLOW]
    if red:
        tone = "red"
    elif yellow:
        tone = "yellow"
    else:
        tone = "green" if row.count else "none"
    return tone, f"{red} / {yellow}", "红色 / 黄色预警"


def build_tiles(rows, as_of: date, mode: str) -> list[Tile]:
    """One tile per location row of the dashboard, coloured by completion rate or by warnings."""
    share = year_schedule_exact(as_of)
    tiles = []
    for row in rows:
        if not row.count:
            tone, figure, note = "none", "—", "无项目"
        elif mode == "warnings":
            tone, figure, note = _warning_tile(row)
        else:
            tone, figure, note = _rate_tile(row, share)
        position = TILE_POSITIONS.get(row.label)
        tiles.append(
            Tile(
                row.label,
                row.key,
                position[0] if position else None,
                position[1] if position else None,
                tone,
                figure,
                note,
                row.count,
            )
        )
    return tiles
