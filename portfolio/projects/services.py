"""Register services: reference data, plans and their categories, and planners' edits of a project."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from portfolio.audit.services import record
from portfolio.db import session, utcnow
from portfolio.errors import Conflict, DomainError, NotFound
from portfolio.fields import FIELDS, label
from portfolio.localtime import local_today
from portfolio.numbers import NumberProblem, check_money, format_wan
from portfolio.plans.state import ensure_plan_open
from portfolio.projects.codes import normalize_project_code
from portfolio.projects.models import (
    AnnualPlan,
    Category,
    LifecycleStatus,
    Location,
    Milestone,
    MilestoneKind,
    Plan,
    Project,
    Subcategory,
)
from portfolio.projects.seed_data import LOCATIONS
from portfolio.projects.status_history import log_status_change


def ensure_locations() -> None:
    """Create the city's county-level units, 全市 and 中心城区 where missing."""
    existing = set(session.scalars(select(Location.name)))
    for order, (name, kind) in enumerate(LOCATIONS):
        if name not in existing:
            session.add(Location(name=name, kind=kind, sort_order=order))
    session.flush()


def load_plan(definition: dict) -> Plan:
    """Create a plan with its categories and sub-categories; an existing plan of that name is kept."""
    plan = session.scalar(select(Plan).where(Plan.name == definition["name"]))
    if plan is not None:
        return plan
    plan = Plan(
        name=definition["name"],
        short_name=definition["short_name"],
        doc_number=definition.get("doc_number"),
        start_year=definition["start_year"],
        end_year=definition["end_year"],
    )
    for number, name, aliases, subs in definition["categories"]:
        category = Category(number=number, name=name, aliases=list(aliases))
        category.subcategories = [Subcategory(number=i, name=s) for i, s in enumerate(subs, start=1)]
        plan.categories.append(category)
    session.add(plan)
    session.flush()
    return plan


def get_plan(key: str | int | None = None) -> Plan:
    """Find a plan by id, name or short name; with no key, the only plan (several plans need a key)."""
    plans = list(session.scalars(select(Plan).order_by(Plan.start_year)))
    if not plans:
        raise NotFound("系统中还没有规划，请先初始化规划数据。")
    names = "、".join(f"{p.short_name}（{p.name}）" for p in plans)
    if key is None or key == "":
        if len(plans) > 1:
            raise DomainError(f"系统中有多个规划，请指定其一：{names}")
        return plans[0]
    for plan in plans:
        if str(key) in (str(plan.id), plan.name, plan.short_name):
            return plan
    raise DomainError(f"未找到规划“{key}”。现有规划：{names}")


@dataclass
class ProjectEdit:
    """The fields a planner edits on a project; money in 万元."""

    name: str
    nature: str | None
    content: str | None
    start_year: int | None
    end_year: int | None
    total_investment_wan: Decimal | None
    span_investment_wan: Decimal | None
    planned_start: date | None
    planned_end: date | None
    status: LifecycleStatus
    project_code: str | None
    note: str | None
    annual: dict[int, Decimal | None] = field(default_factory=dict)


# The project fields a planner edits on the form; their labels come from the field registry.
EDITABLE_FIELDS = (
    "name",
    "nature",
    "content",
    "start_year",
    "end_year",
    "total_investment_wan",
    "span_investment_wan",
    "planned_start",
    "planned_end",
    "status",
    "project_code",
    "note",
)


def _edit_problems(project: Project, data: ProjectEdit) -> list[str]:
    problems = _money_problems(data)
    if problems:
        return problems
    if not data.name.strip():
        problems.append("项目名称不能为空。")
    if data.start_year and data.end_year and data.start_year > data.end_year:
        problems.append(f"{label('start_year')}不能晚于{label('end_year')}。")
    if data.planned_start and data.planned_end and data.planned_start > data.planned_end:
        problems.append("计划开工时间不能晚于计划竣工时间。")
    total, span = data.total_investment_wan, data.span_investment_wan
    if total is not None and span is not None and span > total:
        problems.append(f"规划期投资（{format_wan(span)} 万元）不能大于总投资（{format_wan(total)} 万元）。")
    if any(v is not None and v < 0 for v in (total, span, *data.annual.values())):
        problems.append("投资额不能为负数。")
    planned = sum((v for v in data.annual.values() if v is not None), Decimal(0))
    if span is not None and planned > span + Decimal("0.5"):
        problems.append(f"分年度投资计划合计（{planned}）超过规划期投资（{span}）。")
    return problems


def _money_problems(data: ProjectEdit) -> list[str]:
    """Every amount finite, not negative and of a sane size (the one rule in portfolio.numbers)."""
    amounts = [("总投资", data.total_investment_wan), ("规划期投资", data.span_investment_wan)]
    amounts += [(f"{year}年计划投资", v) for year, v in data.annual.items()]
    problems = []
    for what, value in amounts:
        try:
            check_money(value, what)
        except NumberProblem as bad:
            problems.append(bad.message)
    return problems


def update_project(actor, project: Project, data: ProjectEdit, expected_version: int) -> list[str]:
    """Apply a planner's edit; returns the labels of the changed fields. Audited field by field."""
    ensure_plan_open(project.plan)
    if project.version != expected_version:
        raise Conflict("该项目已被他人修改，您看到的是旧版本。请刷新页面，核对最新内容后再修改。")
    problems = _edit_problems(project, data)
    code, code_problem = normalize_project_code(data.project_code)
    if code_problem:
        problems.append(code_problem)
    elif code and session.scalar(
        select(Project.id).where(Project.project_code == code, Project.id != project.id)
    ):
        problems.append(f"项目代码 {code} 已被其他项目使用。")
    if problems:
        raise DomainError("；".join(problems))
    values = {
        **{k: getattr(data, k) for k in EDITABLE_FIELDS},
        "project_code": code,
        "name": data.name.strip(),
    }
    log_status_change(actor, project, data.status, local_today(), "项目编辑")
    before, after = {}, {}
    for key, new in values.items():
        old = getattr(project, key)
        if _comparable(old) != _comparable(new):
            before[key], after[key] = _comparable(old), _comparable(new)
            setattr(project, key, new)
    _update_annual(project, data.annual, before, after)
    if after:
        session.flush()
        record(actor, "project.update", project, before=before, after=after, summary="修改项目信息")
    return [FIELDS[k].label if k in FIELDS else k for k in after]  # annual keys read "2021年计划投资"


def _update_annual(project: Project, annual: dict, before: dict, after: dict) -> None:
    existing = {row.year: row for row in project.annual_plans}
    for year, amount in annual.items():
        row = existing.get(year)
        old = row.amount_wan if row else None
        if _comparable(old) == _comparable(amount):
            continue
        before[f"{year}年计划投资"], after[f"{year}年计划投资"] = _comparable(old), _comparable(amount)
        if row is None:
            project.annual_plans.append(AnnualPlan(year=year, amount_wan=amount))
        else:
            row.amount_wan = amount
        # Annual plans are rows of their own: touching the project bumps its version, so other open forms
        # turn stale and a re-import compares the project again instead of skipping its unchanged row.
        project.updated_at = utcnow()


def _comparable(value):
    """A JSON-friendly form of a field value, equal for equal amounts (100 and 100.0000)."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, LifecycleStatus):
        return value.label
    if isinstance(value, str) and not value.strip():
        return None  # an emptied text box and a never-filled one are the same: no change to log
    return value


@dataclass
class MilestoneEdit:
    """One row of the milestone form: an existing milestone (id) or a new one (id None)."""

    id: int | None
    kind: MilestoneKind
    title: str | None
    planned_date: date | None
    remove: bool = False


def save_milestones(actor, project: Project, rows: list[MilestoneEdit], expected_version: int) -> int:
    """Add, change or remove the project's planned milestones; actual dates come from approved reports."""
    ensure_plan_open(project.plan)
    if project.version != expected_version:
        raise Conflict("该项目已被他人修改，您看到的是旧版本。请刷新页面后重新设置里程碑。")
    existing = {m.id: m for m in project.milestones}
    changes = 0
    for row in rows:
        milestone = existing.get(row.id) if row.id is not None else None
        if row.id is not None and milestone is None:
            raise DomainError("表单中的里程碑已不存在，请刷新页面后重试。")
        if milestone is not None and row.remove:
            record(
                actor,
                "milestone.delete",
                project,
                before=_milestone_snapshot(milestone),
                summary="删除里程碑",
            )
            project.milestones.remove(milestone)
            changes += 1
        elif milestone is not None:
            before = _milestone_snapshot(milestone)
            milestone.kind, milestone.title, milestone.planned_date = row.kind, row.title, row.planned_date
            if _milestone_snapshot(milestone) != before:
                after = _milestone_snapshot(milestone)
                record(actor, "milestone.update", project, before=before, after=after, summary="修改里程碑")
                changes += 1
        elif not row.remove and (row.planned_date or row.title):
            added = Milestone(kind=row.kind, title=row.title, planned_date=row.planned_date)
            project.milestones.append(added)
            record(actor, "milestone.create", project, after=_milestone_snapshot(added), summary="新增里程碑")
            changes += 1
    if changes:
        # Touching the row bumps Project.version, so other open edit forms of the project turn stale.
        project.updated_at = utcnow()
    session.flush()
    return changes


def _milestone_snapshot(m: Milestone) -> dict:
    return {"节点": m.kind.label, "说明": m.title, "计划日期": _comparable(m.planned_date)}
