"""Chinese names of the import problem codes: codes stay in --json and the README, pages show names."""

CODE_LABELS = {
    "annual-sum-mismatch": "分年度投资之和不符",
    "bad-money": "金额无法识别",
    "bad-month": "月份无法识别",
    "bad-year-range": "起止年限无法识别",
    "count-mismatch": "项目个数不符",
    "duplicate-name": "项目名称重复",
    "funding-unparsed": "资金来源无法拆分",
    "fyp-exceeds-total": "规划期投资超过总投资",
    "implausible-year": "年份不合理",
    "missing-column": "缺少必需的列",
    "missing-value": "缺少必填内容",
    "month-year-mismatch": "月份与年限不一致",
    "negative-money": "金额为负数",
    "new-subcategory": "新的子类",
    "no-category": "无法确定类别",
    "no-header": "找不到表头",
    "outside-plan-span": "超出规划期",
    "pre-tracking-exceeds-total": "已完成投资超过总投资",
    "pre-tracking-no-date": "已完成投资缺少截至日期",
    "sheet-skipped": "工作表已跳过",
    "start-after-end": "开始晚于结束",
    "too-long": "内容过长",
    "total-mismatch": "合计数不符",
    "unknown-category": "未知类别",
    "unknown-column": "无法识别的列",
    "unknown-location": "未知建设地点",
}


def code_label(code: str | None) -> str:
    """The problem's Chinese name; an unnamed code shows as 其他问题, never as the code itself."""
    return CODE_LABELS.get(code or "", "其他问题")
