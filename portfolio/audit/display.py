"""How audit entries read to people: Chinese names for actions and fields, values in plain words."""

import re
from datetime import datetime
from decimal import Decimal, InvalidOperation

from portfolio.auth.models import Role
from portfolio.db import LabelledEnum, session
from portfolio.evaluation.models import ProjectClass, RoundStatus
from portfolio.fields import FIELDS
from portfolio.localtime import format_local
from portfolio.numbers import format_wan
from portfolio.projects.models import LifecycleStatus, Milestone, MilestoneKind, MilestoneStatus
from portfolio.reporting.models import PeriodStatus, ReportStatus

ACTION_LABELS = {
    "layout.save": "保存报表版式",
    "layout.delete": "删除报表版式",
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
    "SheetLayout": "报表版式",
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
    "Milestone": "里程碑",
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
    "short_name": "简称",
    "doc_number": "规划文号",
    "categories": "重大工程类别",
    "subcategories": "子类",
    "aliases": "别名",
    "order": "顺序",
    "plan": "所属规划",
    "closed": "已关闭",
    "reason": "原因",
    "return_reason": "退回原因",
    "progress_text": "形象进度",
    "percent_complete": "完成百分比（%）",
    "invested_wan": "本期完成投资（万元）",
    "new_status": "项目状态变更",
    "problems": "存在问题",
    "next_steps": "下步计划",
    "coordination": "需协调事项",
    "milestone_updates": "里程碑",
    "actual_date": "实际完成日期",
    "code": "期间",
    "deadline": "报送截止",
    "reopened_until": "重新开放至",
    "project_count": "未报送项目数",
    "recipient_count": "通知人数",
    "as_of": "统计截止日",
    "final_class": "评估分类",
    "override_reason": "调整理由",
    "score": "得分",
    "comment": "评语",
    "class_counts": "各类项目数",
    "added": "新增评估项目",
    "changed": "分类变化的项目",
    "finalized_at": "定稿时间",
    "snapshot": "定稿评估报告",
    "year": "年份",
    "value": "实际值",
    "source": "数据来源",
    "target_text": "省定目标",
    "report_id": "所属报告",
    "size_bytes": "文件大小",
    "file": "文件",
    "sha256": "文件校验码（SHA-256）",
    "created": "新增项目",
    "updated": "更新项目",
    "unchanged": "未变项目",
    "withdrawn": "调出项目",
    "errors": "错误",
    "warnings": "警告",
    "yellow_points": "黄色预警：落后序时进度（百分点）",
    "red_points": "红色预警：落后序时进度（百分点）",
    "not_started_months": "逾期未开工红色预警（月）",
}

# A plan's years, whose keys a project's fields also use (开工年份 …): labelled for plans only.
PLAN_FIELD_LABELS = {
    ("Plan", "start_year"): "起始年份",
    ("Plan", "end_year"): "结束年份",
    ("Plan", "years"): "规划年限",
}

# Stored values that are enum members, by (entity type, key) first, then by key alone: their Chinese label.
ENTITY_ENUMS: dict[tuple[str, str], type[LabelledEnum]] = {
    ("StatusReport", "status"): ReportStatus,
    ("ReportingPeriod", "status"): PeriodStatus,
    ("Project", "status"): LifecycleStatus,
    ("Milestone", "status"): MilestoneStatus,
    ("EvaluationRound", "status"): RoundStatus,
}
ENUM_FIELDS: dict[str, type[LabelledEnum]] = {
    "role": Role,
    "new_status": LifecycleStatus,
    "final_class": ProjectClass,
    "computed_class": ProjectClass,
}
# Whatever these hold is shown as one line, not spelled out (the frozen report of a finalized round).
SUMMARISED = {"snapshot": "（定稿时的评估报告，已存档）"}
# Entries that name their record already need not repeat its id.
HIDDEN = {"report_id"}
_DECIMAL = re.compile(r"^-?\d+(\.\d+)?$")
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, "其他操作")


def entity_label(entity_type: str) -> str:
    return ENTITY_LABELS.get(entity_type, "其他记录")


def field_label(key: str, entity_type: str | None = None) -> str:
    """A changed field's Chinese name; a project's fields (and import entries') from the field registry."""
    if (entity_type, key) in PLAN_FIELD_LABELS:
        return PLAN_FIELD_LABELS[(entity_type, key)]
    if key in FIELDS and (entity_type == "Project" or key not in FIELD_LABELS):
        return FIELDS[key].label_with_unit
    return FIELD_LABELS.get(key, key)


def _is_money(key: str) -> bool:
    field = FIELDS.get(key)
    return key.endswith("_wan") or bool(field and field.unit == "万元") or key.endswith("计划投资")


def _enum_label(key: str, value: str, entity_type: str | None) -> str | None:
    enum = ENTITY_ENUMS.get((entity_type or "", key)) or ENUM_FIELDS.get(key)
    member = enum.from_label(value) if enum else None
    if member is not None:
        return member.label
    if key == "status":  # an entry of another kind: the status enum that knows the value, if only one does
        found = {m.label for e in ENTITY_ENUMS.values() for m in e if value in (m.value, m.label)}
        return found.pop() if len(found) == 1 else None
    return None


def _number(text: str, key: str) -> str:
    if _is_money(key):
        return format_wan(text)
    if key == "year" or key.endswith(("_year", "年份")):
        return text  # 2023, not 2,023
    try:
        number = Decimal(text)
    except InvalidOperation:
        return text
    return (
        format(number.normalize(), ",f")
        if number == number.to_integral_value()
        else f"{number.normalize():,f}"
    )


def _size(n) -> str:
    n = int(n)
    return f"{n / 1048576:.1f} MB" if n >= 1048576 else f"{max(n / 1024, 0.1):.1f} KB"


def _milestones(value: dict) -> str:
    """A report's milestone updates: each milestone by its name, with its date and state."""
    parts = []
    for key, entry in value.items():
        if key.isdigit():
            m = session.get(Milestone, int(key))
            name = (m.title or m.kind.label) if m else "里程碑"
        else:
            kind = MilestoneKind._value2member_map_.get(key.split(":", 1)[-1])
            name = f"新增{kind.label}" if kind else "新增里程碑"
        entry = entry if isinstance(entry, dict) else {}
        status = MilestoneStatus.from_label(str(entry.get("status") or ""))
        when = entry.get("actual_date") or "未填日期"
        parts.append(f"{name} {when} {status.label if status else ''}".strip())
    return "；".join(parts)


def format_value(key: str, value, entity_type: str | None = None) -> str:
    """One stored value as a person reads it: labels for codes, the amount rule, local time, no JSON."""
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if key in SUMMARISED:
        return SUMMARISED[key]
    if isinstance(value, bool):
        return "是" if value else "否"
    if key == "size_bytes" and isinstance(value, int | float):
        return _size(value)
    if key == "milestone_updates" and isinstance(value, dict):
        return _milestones(value)
    if key == "class_counts" and isinstance(value, dict):
        return "，".join(f"{_class(k)} {v}" for k, v in value.items())
    if isinstance(value, dict):
        return "；".join(
            f"{field_label(str(k), entity_type)}：{format_value(str(k), v)}" for k, v in value.items()
        )
    if isinstance(value, list | tuple):
        return "、".join(format_value(key, v, entity_type) for v in value)
    if isinstance(value, int | float | Decimal):
        return _number(str(value), key)
    text = str(value)
    label = _enum_label(key, text, entity_type)
    if label:
        return label
    if _DECIMAL.match(text):
        return _number(text, key)
    if _TIMESTAMP.match(text):
        try:
            return format_local(datetime.fromisoformat(text))
        except ValueError:
            return text
    return text


def _class(value: str) -> str:
    member = ProjectClass.from_label(value)
    return member.label if member else value


def _empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _same(old, new) -> bool:
    """Equal as stored, or equal as numbers (100 and 100.0000), or both blank: not a change."""
    if _empty(old) and _empty(new):
        return True
    if old == new:
        return True
    try:
        return Decimal(str(old)) == Decimal(str(new))
    except (InvalidOperation, ValueError):
        return False


def field_changes(
    before: dict | None, after: dict | None, entity_type: str | None = None
) -> list[tuple[str, str, str]]:
    """(field label, old, new) for each key whose value differs, in a stable order; no-changes left out."""
    before = before if isinstance(before, dict) else {}
    after = after if isinstance(after, dict) else {}
    keys = [k for k in dict.fromkeys([*before, *after]) if k not in HIDDEN]
    return [
        (
            field_label(k, entity_type),
            format_value(k, before.get(k), entity_type),
            format_value(k, after.get(k), entity_type),
        )
        for k in keys
        if not _same(before.get(k), after.get(k))
    ]
