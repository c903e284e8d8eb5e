"""Funding measures (资金来源): planned amounts by source, funds received, and the rate between them."""

from portfolio.definitions.registry import define

PLANNED = define(
    "planned_funding",
    "计划资金",
    "项目资金来源分解中各来源的计划额之和；没有按来源分解的项目不计入，所以合计可能小于总投资。",
    "投资",
)
RECEIVED = define(
    "funds_received",
    "累计到位资金",
    "进度报告中按来源填报的本期到位资金，只计已通过的报告，截至统计日逐期累计。",
    "投资",
)
RATE = define(
    "funding_rate",
    "到位率",
    "累计到位资金 ÷ 计划资金 × 100%，按来源和合计分别相除；没有计划资金的来源不计算。",
    "投资",
)
