"""The built-in layouts: today's fixed sheets, defined as data like any planner's layout.

The 调度表 (推进情况表) is one layout; the per-county workbook is the same layout written once per county;
the funding columns the export page offers are inserted after 开工以来累计完成投资, as they always were.
"""

from portfolio.fields import label, span_label
from portfolio.funding.columns import FundingColumn
from portfolio.layouts.spec import LayoutColumn, LayoutSpec

PROGRESS_NAME = "推进情况表"
PLANNED, DONE = "计划投资", "完成投资"


def progress_spec() -> LayoutSpec:
    """The 调度表: by category and sub-category with 小计/合计, A3 landscape, 口径说明 under the table.

    Project-field headers are the registry's labels, read when the layout is built."""
    return LayoutSpec(
        title="焦作市“{规划}”生态环境保护重大工程项目推进情况表（{县区}，{期间}）",
        columns=[
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
        ],
        grouping="category",
        paper="A3",
        orientation="landscape",
        heading=True,
        notes=True,
        sheet_name=PROGRESS_NAME,
    )


def with_funding(spec: LayoutSpec, columns: list[FundingColumn]) -> LayoutSpec:
    """The layout with the export page's funding columns after 开工以来累计完成投资."""
    at = next(i for i, c in enumerate(spec.columns) if c.key == "cumulative") + 1
    spec.columns[at:at] = [LayoutColumn(c.key, c.header, 12, "money", c.group) for c in columns]
    return spec
