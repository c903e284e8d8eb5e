"""The 口径说明 under each sheet of the evaluation workbook, from portfolio.definitions.

SHEET_NOTES says which definitions each sheet's figures follow (by sheet title); write_sheet_notes puts
them under the sheet's table as the 调度表 does: a 口径说明 line, then one wrapped, merged row each.
"""

from openpyxl.styles import Alignment, Font

from portfolio.definitions import notes_for
from portfolio.exports.safe_text import clean_text

INVESTMENT = ("counted_reports", "tracked_invested", "planned_to_date", "evaluation_plan_rate")
SHEET_NOTES: dict[str, tuple[str, ...]] = {
    "评估概况": (*INVESTMENT, "span_completion_rate"),
    "指标评估": (
        "indicator_pro_rata",
        "indicator_verdict",
        "floor_target",
        "target_direction",
        "qualitative_verdict",
    ),
    "项目分类": ("project_class", "started", "expected_pct", "behind_time", *INVESTMENT[:3]),
    "规划调整情况": ("plan_baseline",),
    "分类别统计": ("project_class", *INVESTMENT, "span_completion_rate"),
    "分县区统计": ("project_class", *INVESTMENT, "span_completion_rate"),
    "滞后及未启动项目": ("project_class", "started", "behind_time"),
    "评审意见": ("project_class",),
}
DEFAULT_WIDTH = 8.43  # Excel's width of a column nobody sized
MIN_COLUMNS = 5
NOTE_FONT = Font(size=9, color="4A5560")


def note_lines(keys: tuple[str, ...]) -> list[str]:
    return ["口径说明："] + [f"{d.name}：{d.rule}" for d in notes_for(*keys)]


def write_sheet_notes(ws, keys: tuple[str, ...]) -> None:
    """The 口径说明 two rows under the sheet's last row, merged across its table."""
    columns = max(ws.max_column, MIN_COLUMNS)
    width = sum(
        ws.column_dimensions[letter].width or DEFAULT_WIDTH
        for letter in (ws.cell(row=1, column=c).column_letter for c in range(1, columns + 1))
    )
    row = ws.max_row + 2
    for offset, line in enumerate(note_lines(keys)):
        r = row + offset
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=columns)
        cell = ws.cell(row=r, column=1, value=clean_text(line))
        cell.font, cell.alignment = NOTE_FONT, Alignment(wrap_text=True, vertical="top")
        lines = -(-len(line) * 2 // max(int(width) - 2, 1))  # a Chinese character is two width units
        ws.row_dimensions[r].height = 13 * max(lines, 1) + 2
