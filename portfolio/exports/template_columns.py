"""Where a filled-in template's columns are, so the upload reads every cell by key, never by position.

Today's template has its fixed columns, then one 本期到位资金 column per funding source (their ids signed in
`_meta`). A layout's template (layouts.template) signs its column map in `_meta`: one (token, header) per
sheet column, the token being project_id, version, an input key (exports.template_sheet.INPUTS, or
fund:<source id>) or show:<layout key> for a read-only column. Both are checked the same way: the header row
as issued, the layout unchanged since, the funding sources still the plan's.
"""

import re
from dataclasses import dataclass, field

from portfolio.db import session
from portfolio.errors import DomainError
from portfolio.exports.template_sheet import (
    COLUMN_ENTRY,
    COLUMNS,
    FIRST_DATA_ROW,
    HEADERS,
    INPUTS,
    LayoutStamp,
    funding_header,
)
from portfolio.funding.models import FundingSource
from portfolio.funding.queries import list_sources
from portfolio.layouts.models import SheetLayout
from portfolio.numbers import parse_int
from portfolio.reporting.models import ReportingPeriod

FUND = re.compile(r"^fund:(\d{1,9})$")
ID_KEYS = ("project_id", "version")
TAMPERED = "模板校验失败：隐藏的列信息被修改过。请重新下载模板，只在白色单元格中填写。"
SOURCES_CHANGED = (
    "下载模板后资金来源清单已变更（或到位资金的表头被修改），无法确定各列对应的资金来源，"
    "请重新下载模板后填写。"
)


class RefusedTemplate(DomainError):
    """The file as a whole cannot be accepted; nothing in it was imported."""


@dataclass
class ColumnMap:
    keys: list[str]  # per sheet column: project_id, version, an input key, or show:<layout key>
    headers: list[str | None]  # the header row as issued; None: checked against the sources (funding)
    stamp: LayoutStamp | None = None  # a layout's template: which layout, at which version
    sources: dict[int, FundingSource] = field(default_factory=dict)  # of the funding columns, once bound

    def __post_init__(self):
        self.index = {key: c for c, key in enumerate(self.keys)}

    def at(self, key: str) -> int | None:
        return self.index.get(key)

    def header(self, key: str) -> str:
        return self.headers[self.index[key]] or ""

    @property
    def source_ids(self) -> list[int]:
        """The funding columns' source ids in column order."""
        return [int(m.group(1)) for m in map(FUND.match, self.keys) if m]

    @property
    def funding(self) -> list[tuple[int, FundingSource]]:
        """(column index, source) of each 本期到位资金 column."""
        return [(self.index[f"fund:{sid}"], self.sources[sid]) for sid in self.source_ids]

    @property
    def inputs(self) -> list[int]:
        return [c for c, key in enumerate(self.keys) if key in INPUTS or FUND.match(key)]


def _source_ids(meta: dict) -> list[int]:
    """The funding columns' source ids, in column order (none in a template without funding columns)."""
    raw = meta.get("source_ids", "")
    ids = [parse_int(part) for part in raw.split(",")] if raw else []
    if any(i is None for i in ids):
        raise RefusedTemplate("模板校验失败：资金来源信息被修改过。请重新下载模板，只在白色单元格中填写。")
    return ids


def read_stamp(meta: dict, meta_rows: list[list]) -> LayoutStamp | None:
    """The layout a template was issued from, with its column map; None for today's template."""
    if "layout_id" not in meta:
        return None
    layout_id, version = parse_int(meta.get("layout_id")), parse_int(meta.get("layout_version"))
    columns = tuple(
        (str(row[1]), str(row[2])) for row in meta_rows if len(row) >= 3 and row[0] == COLUMN_ENTRY
    )
    tokens = [token for token, _header in columns]
    known = all(
        t in ID_KEYS or t in INPUTS or FUND.match(t) or t.startswith("show:") for t in tokens
    ) and all(tokens.count(k) == 1 for k in ID_KEYS)
    if layout_id is None or version is None or not known or len(set(tokens)) != len(tokens):
        raise RefusedTemplate(TAMPERED)
    return LayoutStamp(layout_id, version, meta.get("layout_name", ""), meta.get("scope", ""), columns)


def column_map(meta: dict, meta_rows: list[list]) -> ColumnMap:
    """Today's fixed columns and funding columns, or the layout's signed column map."""
    stamp = read_stamp(meta, meta_rows)
    if stamp is not None:
        return ColumnMap([t for t, _ in stamp.columns], [h for _, h in stamp.columns], stamp)
    funds = [f"fund:{sid}" for sid in _source_ids(meta)]
    return ColumnMap([c.key for c in COLUMNS] + funds, [*HEADERS] + [None] * len(funds))


def check_header(rows: list[list], columns: ColumnMap) -> None:
    """The header row is as issued: a column added, removed or moved would put figures under the wrong key."""
    header = rows[FIRST_DATA_ROW - 1] if len(rows) >= FIRST_DATA_ROW else []
    for c, expected in enumerate(columns.headers):
        found = str(header[c]).strip() if c < len(header) else ""
        if expected is not None and found != expected.strip():
            raise RefusedTemplate("模板表头被修改过，无法识别各列，请重新下载模板后填写。")


def check_layout(stamp: LayoutStamp | None) -> None:
    """A layout's template is read by the layout as issued: deleted or changed since, it is refused."""
    if stamp is None:
        return
    layout = session.get(SheetLayout, stamp.layout_id)
    # SQLite may give a deleted layout's id to the next one made: a layout of another name at that id
    # (renaming saves a new version, so the issued layout keeps its name) is not the one the file came from.
    if layout is None or (layout.version == stamp.version and layout.name != stamp.name):
        raise RefusedTemplate(f"生成该模板的报表版式“{stamp.name}”已被删除，请向市级牵头部门索取新的模板。")
    if layout.version != stamp.version:
        raise RefusedTemplate(
            f"下载模板后报表版式“{layout.name}”已修改（模板为第 {stamp.version} 版，"
            f"现为第 {layout.version} 版），各列可能已变，请重新下载模板后填写。"
        )


def bind_sources(rows: list[list], columns: ColumnMap, period: ReportingPeriod) -> None:
    """Find each funding column's source among the plan's sources as they are now; today's template also
    checks its funding headers against the sources' names."""
    header = rows[FIRST_DATA_ROW - 1] if len(rows) >= FIRST_DATA_ROW else []
    current = {s.id: s for s in list_sources(period.plan_id)}
    for sid in columns.source_ids:
        source, c = current.get(sid), columns.index[f"fund:{sid}"]
        text = str(header[c]).strip() if c < len(header) else ""
        if source is None or (columns.stamp is None and text != funding_header(source.name)):
            raise RefusedTemplate(SOURCES_CHANGED)
        columns.sources[sid] = source
        if columns.headers[c] is None:
            columns.headers[c] = funding_header(source.name)
