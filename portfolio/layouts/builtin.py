"""The built-in layouts: today's fixed sheets, defined as data like any planner's layout.

The 调度表 (推进情况表) is one layout, the 督办清单 another; the per-county workbook is the 调度表
written once per county; the funding columns the export page offers are inserted after 开工以来累计完成投资,
as they always were.
"""

from collections.abc import Callable
from dataclasses import dataclass

from portfolio.fields import label, span_label
from portfolio.funding.columns import FundingColumn
from portfolio.layouts.catalogue import shown_definitions
from portfolio.layouts.spec import LayoutColumn, LayoutFilters, LayoutSpec
from portfolio.reporting.warnings import Level

PROGRESS_NAME = "推进情况表"
SUPERVISION_NAME = "督办清单"
PLANNED, DONE = "计划投资", "完成投资"
COMPARED, LAST, ITEM = "进度对比", "最近一次审核通过的报告", "督办事项"


def progress_spec() -> LayoutSpec:
    """The 调度表: by category and sub-category with 小计/合计, A3 landscape, 口径说明 under the table.

    Project-field headers are the registry's labels, read when the layout is built. Its 口径说明: which
    reports count and their states (the counts above them), then the definition of each figure it shows; the
    预警 column's colour is measured in 落后（百分点） against 序时进度, so those two follow it."""
    columns = [
        LayoutColumn("seq", "序号", 6, "center"),
        LayoutColumn("name", label("name"), 30, "text"),
        LayoutColumn("locations", label("locations"), 10, "center"),
        LayoutColumn("units", label("units"), 18, "text"),
        LayoutColumn("years", label("years"), 11, "center"),
        LayoutColumn("total_investment_wan", label("total_investment_wan"), 12, "money", PLANNED),
        LayoutColumn("span_investment_wan", span_label("{规划}"), 12, "money", PLANNED),
        LayoutColumn("annual_plan", "年度计划投资", 12, "money", PLANNED),
        LayoutColumn("period_invested", "本期完成投资", 12, "money", DONE),
        LayoutColumn("year_invested", "年度累计完成投资", 12, "money", DONE),
        LayoutColumn("completion_rate", "年度计划完成率（%）", 10, "rate", DONE),
        LayoutColumn("cumulative", "开工以来累计完成投资", 13, "money", DONE),
        LayoutColumn("progress_text", "形象进度", 32, "text"),
        LayoutColumn("warning", "预警", 9, "center"),
        LayoutColumn("problems", "存在问题", 24, "text"),
        LayoutColumn("next_steps", "下步计划", 24, "text"),
    ]
    return LayoutSpec(
        title="焦作市“{规划}”生态环境保护重大工程项目推进情况表（{县区}，{期间}）",
        columns=columns,
        grouping="category",
        paper="A3",
        orientation="landscape",
        heading=True,
        notes=True,
        note_keys=[
            "counted_reports",
            "report_state",
            *shown_definitions(c.key for c in columns),
            "expected_pct",
            "behind_points",
        ],
        sheet_name=PROGRESS_NAME,
    )


def supervision_spec() -> LayoutSpec:
    """The 督办清单: red before yellow, the furthest behind first, then projects under an open 督办 item of
    any colour; why, who leads, how far behind, the last approved report and the item's answer."""
    return LayoutSpec(
        title="焦作市“{规划}”生态环境保护重大工程项目督办清单（{期间}）",
        columns=[
            LayoutColumn("seq", "序号", 6, "center"),
            LayoutColumn("name", label("name"), 30, "text"),
            LayoutColumn("locations", label("locations"), 10, "center"),
            LayoutColumn("lead_unit", label("lead_unit"), 18, "text"),
            LayoutColumn("warning", "预警等级", 10, "center"),
            LayoutColumn("warning_reason", "预警原因", 26, "text"),
            LayoutColumn("expected_pct", "序时进度（%）", 10, "rate", COMPARED),
            LayoutColumn("actual_pct", "实际进度（%）", 10, "rate", COMPARED),
            LayoutColumn("behind_points", "落后（百分点）", 10, "rate", COMPARED),
            LayoutColumn("days_behind", "落后天数", 9, "int", COMPARED),
            LayoutColumn("last_period", "期次", 10, "center", LAST),
            LayoutColumn("last_reviewed", "审核日期", 12, "center", LAST),
            LayoutColumn("problems", "存在问题", 28, "text"),
            LayoutColumn("next_steps", "下步计划", 28, "text"),
            LayoutColumn("item_code", "督办编号", 16, "center", ITEM),
            LayoutColumn("item_state", "办理状态", 10, "center", ITEM),
            LayoutColumn("item_answer", "答复情况", 30, "text", ITEM),
        ],
        sort="warning",
        filters=LayoutFilters(warning=[Level.YELLOW.value, Level.RED.value], supervised=True),
        paper="A3",
        orientation="landscape",
        unit_note="共 {项目数} 个项目",
        notes=True,
        note_keys=[
            "counted_reports",
            "warning_level",
            "expected_pct",
            "behind_points",
            "days_behind",
            "started",
            "supervision_overdue",  # 办理状态 marks an item （已逾期）
        ],
        report_counts=False,
        totals=False,
        sheet_name=SUPERVISION_NAME,
    )


@dataclass(frozen=True)
class Builtin:
    name: str
    uses: str  # which downloads it writes
    spec: Callable[[], LayoutSpec]


# By the key the layout list's “复制为新版式” link passes (?from=…).
BUILTINS = {
    "builtin": Builtin(PROGRESS_NAME, "调度表、分县区调度表", progress_spec),
    "supervision": Builtin(SUPERVISION_NAME, "督办清单", supervision_spec),
}


def with_funding(spec: LayoutSpec, columns: list[FundingColumn]) -> LayoutSpec:
    """The layout with the export page's funding columns after 开工以来累计完成投资."""
    at = next(i for i, c in enumerate(spec.columns) if c.key == "cumulative") + 1
    spec.columns[at:at] = [LayoutColumn(c.key, c.header, 12, "money", c.group) for c in columns]
    return spec
