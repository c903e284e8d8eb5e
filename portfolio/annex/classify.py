"""Row kinds: what each row under the header is, decided by its content and the plan, never its numbering."""

import re
from dataclasses import dataclass, field

from portfolio.annex.header import Header, normalise
from portfolio.annex.values import is_blank, text

BLANK, FOOTNOTE, TOTAL, HEADER = "blank", "footnote", "total", "header"
CATEGORY, SUBCATEGORY, PROJECT, UNKNOWN_CATEGORY = "category", "subcategory", "project", "unknown-category"

NUMBERING = re.compile(
    r"^(?:第[一二三四五六七八九十百]+[类部分项]|[(（]?[一二三四五六七八九十百零〇]+[)）]?|[(（]?\d{1,3}[)）]|\d{1,3}(?=[、.．]))"
    r"[、.．:：\s]*"
)
COUNT_SUFFIX = re.compile(r"[(（](?:共)?(\d+)(?:个)?项(?:目)?[)）]$")
TOTAL_WORDS = ("合计", "总计", "小计", "共计", "全市合计")
FOOTNOTE_WORDS = ("注：", "注:", "注1", "注.", "说明：", "说明:", "备注：", "附注", "资料来源", "填报说明")
DETAIL_FIELDS = (
    "locations",
    "units",
    "lead_unit",
    "years",
    "nature",
    "planned_start",
    "planned_end",
    "content",
)
MONEY_FIELDS = ("total_investment_wan", "span_investment_wan")


@dataclass
class PlanContext:
    """What the importer knows of the plan: category names and aliases, sub-categories, span."""

    span_name: str
    years: list[int]
    categories: dict[int, str]  # number -> name
    category_keys: dict[str, int] = field(default_factory=dict)  # normalised name/alias -> number
    subcategories: dict[int, dict[str, str]] = field(default_factory=dict)  # number -> {key: name}
    locations: dict[str, str] = field(default_factory=dict)  # a name or alias -> the location's name
    county_names: list[str] = field(default_factory=list)  # names and aliases of county-level locations
    funding: dict[str, str] = field(default_factory=dict)  # a source's name or alias → its name

    @classmethod
    def from_plan(cls, plan) -> "PlanContext":
        ctx = cls(plan.short_name, plan.years, {c.number: c.name for c in plan.categories})
        for c in plan.categories:
            for name in [c.name, *(c.aliases or [])]:
                for key in _keys(name):
                    ctx.category_keys.setdefault(key, c.number)
            ctx.subcategories[c.number] = {label_key(s.name): s.name for s in c.subcategories}
        return ctx

    def match_category(self, label: str) -> int | None:
        for key in _keys(label):
            if key in self.category_keys:
                return self.category_keys[key]
        return None

    def match_subcategory(self, number: int | None, label: str) -> str | None:
        if number is None:
            return None
        return self.subcategories.get(number, {}).get(label_key(label))

    def known_list(self) -> str:
        return "、".join(f"{n}.{name}" for n, name in sorted(self.categories.items()))


def clean_label(raw) -> str:
    """A category or sub-category title without its numbering or its (14项) count."""
    label = normalise(text(raw) or "")
    label = NUMBERING.sub("", label, count=1)
    return COUNT_SUFFIX.sub("", label)


def label_key(raw) -> str:
    return clean_label(raw).replace("(", "").replace(")", "")


def declared_count(raw) -> int | None:
    m = COUNT_SUFFIX.search(normalise(text(raw) or ""))
    return int(m.group(1)) if m else None


def _keys(name: str) -> list[str]:
    key = label_key(name)
    keys = [key]
    for suffix in ("重大工程", "工程"):
        if key.endswith(suffix) and len(key) > len(suffix):
            keys.append(key[: -len(suffix)])
    return keys


def row_label(cells: list, header: Header) -> str | None:
    """The row's title: its 项目名称 cell, else the first text cell (a merged category title)."""
    cols = header.by_field()
    name_col = cols.get("name")
    if name_col and name_col.index < len(cells) and not is_blank(cells[name_col.index]):
        return text(cells[name_col.index])
    for v in cells:
        if isinstance(v, str) and not is_blank(v) and not NUMBERING.fullmatch(normalise(v)):
            return v.strip()
    return None


def classify_row(cells: list, header: Header, ctx: PlanContext, category: int | None) -> tuple[str, object]:
    """(kind, detail): detail is the category number, the sub-category name, or the label."""
    label = row_label(cells, header)
    if label is None:
        if all(is_blank(v) for v in cells):
            return BLANK, None
        label = ""
    if _has(cells, header, DETAIL_FIELDS):  # a row with a location, units, years … is a project, whatever
        return PROJECT, label  # its name says
    norm = normalise(label)
    if norm.startswith(FOOTNOTE_WORDS) or (norm.startswith("注") and len(norm) > 20):
        return FOOTNOTE, label
    if any(norm.lstrip("0123456789.、").startswith(w) for w in TOTAL_WORDS):
        return TOTAL, label
    name_col = header.by_field().get("name")
    if name_col and norm == name_col.header:
        return HEADER, label
    number = ctx.match_category(label)
    if number is not None:
        return CATEGORY, number
    sub = ctx.match_subcategory(category, label)
    if sub is not None:
        return SUBCATEGORY, sub
    if declared_count(label) is not None or clean_label(label).endswith("重大工程"):
        return UNKNOWN_CATEGORY, label
    if not _has(cells, header, MONEY_FIELDS) and not header.annual_has_values(cells):
        return SUBCATEGORY, clean_label(label)
    return PROJECT, label


def _has(cells: list, header: Header, fields: tuple[str, ...]) -> bool:
    width = len(cells)
    return any(i < width and not is_blank(cells[i]) for i in header.indexes(fields))
