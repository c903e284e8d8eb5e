"""Report states as users read them, and which reports a figure counts."""

from portfolio.db import LabelledEnum
from portfolio.definitions.registry import define


class ReportState(LabelledEnum):
    """A project's report for one period, including the absence of one."""

    MISSING = "missing", "未填报"
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待审核"
    RETURNED = "returned", "已退回"
    APPROVED = "approved", "已通过"


STATES = define(
    "report_state",
    "报告状态",
    "每个项目每期的进度报告处于五种状态之一：未填报（本期没有报告）、草稿（已填写未报送）、"
    "待审核（已报送，等待市级牵头部门审核）、已退回（审核退回，待修改重报）、已通过（审核通过）。",
    "进度报告",
)
COUNTED = define(
    "counted_reports",
    "计入统计的报告",
    "完成比例、完成投资、预警和评估只计“已通过”的报告；草稿、待审核和已退回的报告不计入，"
    "本期没有已通过报告的项目，本期完成投资按其报告状态注明，不按 0 计。",
    "进度报告",
)
NO_APPROVED = define(
    "no_approved_report",
    "无已通过报告",
    "截至统计日，该项目还没有任何一期审核通过的进度报告，无法判断进度，不着预警色。",
    "进度报告",
)


def report_state(status: str | None) -> ReportState:
    """The state of a period's report from its stored status (None: no report)."""
    return ReportState.MISSING if status is None else ReportState(str(status))
