"""Columns a layout may pick: project fields (the registry), progress figures (the read model) and funding.

Each column has a key, a default header, a cell style (money, int, rate, text, center) and whether group rows
sum it. Funding columns are `fund:<measure>:<source id>` as in funding.columns, plus `fund:<measure>:all`
(every source together); `annual:<year>` is one year of the project's annual investment plan.

A column that shows a field of the period's report (本期完成投资, 形象进度, 存在问题 …, or a
source's 本期到位资金) may be an input: the layout's fill-in template asks for it (`input_key`). Which
fields a template accepts is today's template's (exports.template_sheet.INPUTS), not a list kept here.
"""

import re
from dataclasses import dataclass

from portfolio.exports.sheet_layout import NUMERIC_STYLES
from portfolio.exports.template_sheet import INPUTS, fund_key
from portfolio.fields import FIELDS, INTEGER_FORMAT, MONEY_FORMAT, span_label
from portfolio.funding.models import FundingSource

# Styles a planner may choose for a column, with the number format each gives (sheet_layout.STYLES).
STYLE_LABELS = {
    "text": "文本（左对齐）",
    "center": "文本（居中）",
    "money": "金额 #,##0.00",
    "money0": "金额 #,##0",
    "int": "整数 0",
    "rate": "一位小数 0.0",
}
__all__ = ["ITEM_KEYS", "NUMERIC_STYLES", "REPORT_KEYS", "STYLE_LABELS", "Choice", "catalogue", "input_key"]

FUND_MEASURES = {
    "planned": "计划资金",
    "period": "本期到位资金",
    "year": "本年到位资金",
    "cumulative": "累计到位资金",
}
# The 口径 (definitions key) a funding measure's figures follow; the others have no definition of their own.
FUND_DEFINITIONS = {"planned": "planned_funding", "cumulative": "funds_received"}


@dataclass(frozen=True)
class Choice:
    key: str
    label: str  # the default header and the name in the editor's list
    style: str = "text"
    summed: bool = False  # 小计/合计 rows add it up
    group: str = "项目信息"  # where the editor lists it
    fills: str | None = None  # the template input (INPUTS key) this column is when marked as an input
    definition: str | None = None  # the 口径 (definitions key) its figure follows, for the sheet's notes


_PROJECT_FIELDS = (
    "seq_no",
    "name",
    "category",
    "subcategory",
    "locations",
    "nature",
    "content",
    "years",
    "start_year",
    "end_year",
    "total_investment_wan",
    "span_investment_wan",
    "planned_start",
    "planned_end",
    "units",
    "lead_unit",
    "support_units",
    "status",
    "project_code",
    "note",
)
_CENTERED = {
    "locations",
    "years",
    "nature",
    "status",
    "start_year",
    "end_year",
    "planned_start",
    "planned_end",
}
_SUMMED_FIELDS = {"total_investment_wan", "span_investment_wan"}

_PROGRESS = (
    Choice("seq", "序号", "center", group="表格"),
    Choice("annual_plan", "年度计划投资", "money", True, "进度"),
    Choice("period_invested", "本期完成投资", "money", True, "进度", "invested_wan", "period_invested"),
    Choice("year_invested", "年度累计完成投资", "money", True, "进度", definition="year_invested"),
    Choice(
        "completion_rate", "年度计划完成率（%）", "rate", False, "进度", definition="annual_completion_rate"
    ),
    Choice("cumulative", "开工以来累计完成投资", "money", True, "进度", definition="cumulative_since_start"),
    Choice("percent_complete", "形象进度（%）", "rate", False, "进度", "percent_complete"),
    Choice("progress_text", "形象进度", "text", False, "进度", "progress_text"),
    Choice("warning", "预警", "center", False, "进度", definition="warning_level"),
    Choice("problems", "存在问题", "text", False, "进度", "problems"),
    Choice("next_steps", "下步计划", "text", False, "进度", "next_steps"),
    Choice("coordination", INPUTS["coordination"].header, "text", False, "进度", "coordination"),
    Choice("new_status", INPUTS["new_status"].header, "center", False, "进度", "new_status"),
    Choice("report_state", "本期报告状态", "center", False, "进度", definition="report_state"),
    Choice("warning_reason", "预警原因", "text", False, "预警"),
    Choice("expected_pct", "序时进度（%）", "rate", False, "预警", definition="expected_pct"),
    Choice("actual_pct", "实际进度（%）", "rate", False, "预警"),
    Choice("behind_points", "落后（百分点）", "rate", False, "预警", definition="behind_points"),
    Choice("days_behind", "落后天数", "int", False, "预警", definition="days_behind"),
    Choice("last_period", "最近一次审核通过的期次", "center", False, "预警"),
    Choice("last_reviewed", "最近一次审核通过的日期", "center", False, "预警"),
    Choice("item_code", "督办编号", "center", False, "督办"),
    Choice("item_state", "办理状态", "center", False, "督办", definition="supervision_overdue"),
    Choice("item_answer", "答复情况", "text", False, "督办"),
)
# Columns from the project's newest 督办 item (supervision.queries.latest_items).
ITEM_KEYS = frozenset({"item_code", "item_state", "item_answer"})
# Columns from the period's approved report that the progress read model does not carry (layouts.queries).
REPORT_KEYS = frozenset({"coordination", "new_status"})
_PERIOD_FUND = re.compile(r"^fund:period:(\d{1,9})$")


def _field_choice(key: str) -> Choice:
    found = FIELDS[key]
    style = {MONEY_FORMAT: "money", INTEGER_FORMAT: "int"}.get(found.number_format or "", "text")
    if style == "text" and key in _CENTERED:
        style = "center"
    return Choice(key, found.label, style, key in _SUMMED_FIELDS)


FIXED: dict[str, Choice] = {c.key: c for c in (*map(_field_choice, _PROJECT_FIELDS), *_PROGRESS)}


def input_key(key: str) -> str | None:
    """The template input a column with this key can be: the report field it shows, or fund:<source id>
    for one source's 本期到位资金; None when the column cannot be filled in."""
    if key in FIXED:
        return FIXED[key].fills
    found = _PERIOD_FUND.match(key)
    return fund_key(int(found.group(1))) if found else None


def definition_of(key: str) -> str | None:
    """The definition a column's figure follows (None: a plain field or text needs none)."""
    if key in FIXED:
        return FIXED[key].definition
    return FUND_DEFINITIONS.get(key.split(":")[1]) if key.startswith("fund:") else None


def shown_definitions(keys) -> list[str]:
    """The definitions of the figures these columns show, in column order, each once."""
    return list(dict.fromkeys(d for d in map(definition_of, keys) if d))


def sheet_note_keys(chosen, keys) -> tuple[str, ...]:
    """A sheet's 口径说明: the chosen definitions, then any shown column's that they leave out, so that no
    figure on the sheet is left undefined whatever a planner ticked."""
    return tuple(dict.fromkeys((*chosen, *shown_definitions(keys))))


def funding_choices(sources: list[FundingSource]) -> list[Choice]:
    """Each measure for every source together, then for each source (header: the source's name)."""
    found = []
    for measure, label in FUND_MEASURES.items():
        shown = FUND_DEFINITIONS.get(measure)
        found.append(Choice(f"fund:{measure}:all", label, "money", True, "资金", definition=shown))
        found += [
            Choice(f"fund:{measure}:{s.id}", s.name, "money", True, "资金", definition=shown) for s in sources
        ]
    return found


def annual_choices(years: list[int]) -> list[Choice]:
    return [Choice(f"annual:{y}", f"{y}年", "money", True, "分年度投资计划") for y in years]


def catalogue(sources: list[FundingSource], years: list[int], plan_short_name: str | None = None) -> dict:
    """key → Choice for every column a layout may use with these sources and plan years."""
    found = dict(FIXED)
    if plan_short_name:
        found["span_investment_wan"] = Choice(
            "span_investment_wan", span_label(plan_short_name), "money", True
        )
    for choice in (*funding_choices(sources), *annual_choices(years)):
        found[choice.key] = choice
    return found


def funding_label(key: str, sources: list[FundingSource]) -> str:
    """What the editor calls a funding column: 计划资金·中央预算内投资."""
    _, measure, which = key.split(":")
    names = {str(s.id): s.name for s in sources}
    return f"{FUND_MEASURES[measure]}·{'全部来源' if which == 'all' else names.get(which, which)}"
