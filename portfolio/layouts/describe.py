"""A layout in words, for the audit log: each setting under its Chinese name, as the editor shows it.

The stored spec (keys such as grouping: county) stays in sheet_layout_versions; the audit log records
this description, so the 操作日志 page shows what changed without codes or JSON.
"""

from portfolio.definitions import find_definition
from portfolio.funding.models import FundingSource
from portfolio.layouts.catalogue import FIXED, STYLE_LABELS, funding_label
from portfolio.layouts.spec import (
    GROUPINGS,
    ORIENTATIONS,
    SORTS,
    STATUS_LABELS,
    WARNING_LABELS,
    LayoutColumn,
    LayoutSpec,
)


def field_name(key: str, sources: list[FundingSource]) -> str:
    """What the editor's field list calls a column's field."""
    if key.startswith("fund:") and key.count(":") == 2:
        return funding_label(key, sources)
    if key.startswith("annual:"):
        return f"分年度投资计划·{key.partition(':')[2]}年"
    return FIXED[key].label if key in FIXED else key


def _column(column: LayoutColumn, sources: list[FundingSource]) -> str:
    parts = [field_name(column.key, sources), STYLE_LABELS.get(column.style, column.style)]
    parts.append(f"列宽 {column.width:g}")
    if column.group:
        parts.append(f"合并表头“{column.group}”")
    if column.input:
        parts.append("填报列")
    return f"{column.header}（{'，'.join(parts)}）"


def describe_layout(name: str, version: int, spec: LayoutSpec, sources: list[FundingSource]) -> dict:
    """Chinese setting name → value in words; the audit log lists the ones that changed."""
    f = spec.filters
    return {
        "name": name,
        "版本": version,
        "表格标题": spec.title,
        "列": [_column(c, sources) for c in spec.columns],
        "分组": GROUPINGS.get(spec.grouping, spec.grouping),
        "排序": SORTS.get(spec.sort, spec.sort),
        "筛选：项目状态": [STATUS_LABELS.get(s, s) for s in f.status] or "除调出外全部",
        "筛选：预警等级": [WARNING_LABELS.get(s, s) for s in f.warning] or "全部",
        "筛选：也列入有未办结督办事项的项目": f.supervised,
        "筛选：类别序号": [str(n) for n in f.category] or "全部",
        "筛选：县区": f.county or "全部",
        "纸张": f"{spec.paper} {ORIENTATIONS.get(spec.orientation, spec.orientation)}",
        "表头上方写填报单位和日期": spec.heading,
        "日期后的单位说明": spec.unit_note,
        "表尾写审核人、填报人": spec.signature,
        "表尾附口径说明": spec.notes,
        "口径说明的条目": [_definition(k) for k in spec.note_keys] or "进度数字的口径",
        "口径说明前写本期报告数": spec.report_counts,
        "合计行": spec.totals,
        "工作表名称": spec.sheet_name or "用版式名称",
    }


def _definition(key: str) -> str:
    found = find_definition(key)
    return found.name if found else key
