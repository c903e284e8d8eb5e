"""How audit entries read to people: Chinese names for actions and fields, values in plain words."""

import json

from portfolio.auth.models import Role
from portfolio.db import LabelledEnum
from portfolio.fields import FIELDS

ACTION_LABELS = {
    "user.create": "创建账号",
    "user.update": "修改账号",
    "user.enable": "启用账号",
    "user.disable": "停用账号",
    "user.password_reset": "重置密码",
    "user.password_change": "修改本人密码",
    "login.unlock": "解除登录限制",
    "project.import_create": "附件导入新增项目",
    "project.import_update": "附件导入更新项目",
    "project.update": "修改项目",
    "project.withdraw": "调出项目",
    "milestone.create": "新增里程碑",
    "milestone.update": "修改里程碑",
    "milestone.delete": "删除里程碑",
    "annex.import": "导入项目附件表",
    "period.open": "开放填报期",
    "period.close": "锁定填报期",
    "period.reopen": "重新开放填报期",
    "report.create": "新建进度报告",
    "report.update": "修改进度报告",
    "report.submit": "报送进度报告",
    "report.resubmit": "重新报送进度报告",
    "report.approve": "审核通过进度报告",
    "report.return": "退回进度报告",
    "attachment.upload": "上传附件",
    "attachment.delete": "删除附件",
    "settings.thresholds": "修改预警阈值",
    "evaluation.create": "新建评估轮次",
    "evaluation.refresh": "重新计算评估分类",
    "evaluation.assess": "评估项目",
    "evaluation.finalize": "评估定稿",
    "evaluation.reopen": "重新开放评估",
    "indicator.target": "修改指标目标",
    "indicator.verdict": "定性指标评审结论",
    "indicator.value": "填报指标值",
    "plan.load": "从文件加载规划",
    "plan.create": "新建规划",
    "plan.update": "修改规划",
    "plan.close": "关闭规划",
    "plan.reopen": "重新开放规划",
    "category.create": "新增类别",
    "category.update": "修改类别",
    "category.delete": "删除类别",
    "category.reorder": "调整类别顺序",
    "subcategory.create": "新增子类",
    "subcategory.update": "修改子类",
    "subcategory.delete": "删除子类",
    "subcategory.reorder": "调整子类顺序",
    "funding.source_create": "新增资金来源",
    "funding.source_update": "修改资金来源",
    "funding.source_delete": "删除资金来源",
    "project.funding_update": "修改项目资金来源",
    "report.funding_update": "填报本期到位资金",
    "api_token.create": "创建接口令牌",
    "api_token.revoke": "吊销接口令牌",
    "reminder.send": "催报",
    "api.request": "接口读取",
    "api.rate_limited": "接口请求超限",
}

ENTITY_LABELS = {
    "User": "账号",
    "Project": "项目",
    "StatusReport": "进度报告",
    "ReportingPeriod": "填报期",
    "Attachment": "附件",
    "Setting": "系统设置",
    "EvaluationRound": "评估轮次",
    "ProjectAssessment": "项目评估",
    "Indicator": "指标",
    "IndicatorValue": "指标值",
    "ImportBatch": "导入批次",
    "Plan": "规划",
    "Category": "重大工程类别",
    "Subcategory": "子类",
    "FundingSource": "资金来源",
    "ApiToken": "接口令牌",
    "Reminder": "催报记录",
}

FIELD_LABELS = {  # project fields (funding, note …) take their labels from portfolio/fields.py
    "ip": "网络地址",
    "failures": "失败次数",
    "username": "用户名",
    "display_name": "姓名",
    "email": "电子邮箱",
    "role": "角色",
    "county": "所属县区",
    "unit": "责任单位",
    "is_active": "启用",
    "password": "密码",
    "locked": "锁定",
    "status": "状态",
    "name": "名称",
    "reason": "原因",
    "return_reason": "退回原因",
    "progress_text": "形象进度",
    "percent_complete": "完成比例（%）",
    "invested_wan": "本期完成投资（万元）",
    "deadline": "截止日期",
    "project_count": "未报送项目数",
    "recipient_count": "通知人数",
}

# Stored values that are enum members: shown by their Chinese label.
ENUM_FIELDS: dict[str, type[LabelledEnum]] = {"role": Role}


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


def entity_label(entity_type: str) -> str:
    return ENTITY_LABELS.get(entity_type, entity_type)


def field_label(key: str, entity_type: str | None = None) -> str:
    """A changed field's Chinese name; a project's fields (and import entries') from the field registry."""
    if key in FIELDS and (entity_type == "Project" or key not in FIELD_LABELS):
        return FIELDS[key].label_with_unit
    return FIELD_LABELS.get(key, key)


def format_value(key: str, value) -> str:
    """One stored value as a person reads it."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    enum = ENUM_FIELDS.get(key)
    if enum is not None and isinstance(value, str):
        member = enum.from_label(value)
        return member.label if member else value
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def field_changes(
    before: dict | None, after: dict | None, entity_type: str | None = None
) -> list[tuple[str, str, str]]:
    """(field label, old, new) for every key whose value differs, in a stable order."""
    before, after = before or {}, after or {}
    keys = list(dict.fromkeys([*before, *after]))
    return [
        (field_label(k, entity_type), format_value(k, before.get(k)), format_value(k, after.get(k)))
        for k in keys
        if before.get(k) != after.get(k)
    ]
