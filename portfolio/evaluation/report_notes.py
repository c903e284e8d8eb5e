"""The 口径说明 under each sheet of the evaluation workbook, from portfolio.definitions.

SHEET_NOTES says which definitions each sheet's figures follow (by sheet title); the workbook writes them
under the sheet's table with the 调度表's own write_notes: a 口径说明 line, then one wrapped, merged row each.
"""

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
