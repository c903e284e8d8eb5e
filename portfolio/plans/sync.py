"""`plans load`: bring a stored plan in line with its definition file, or refuse and show why.

Idempotent: a file that matches the database changes nothing. Categories are matched by number,
sub-categories by name within their category. Renaming or dropping a category or sub-category that
already has projects is refused as a whole, with every such difference listed, and nothing is written.
"""

from dataclasses import dataclass, field

from sqlalchemy import select

from portfolio.audit.services import record
from portfolio.db import session
from portfolio.errors import DomainError
from portfolio.plans.definition import CategoryDefinition, PlanDefinition
from portfolio.plans.queries import count_by_category, count_by_subcategory
from portfolio.projects.models import Category, Plan, Subcategory


class PlanLoadRefused(DomainError):
    """The file would rename or drop categories that have projects; `differences` lists each one."""

    status = 409

    def __init__(self, plan: Plan, differences: list[str]):
        lines = "\n".join(f"  - {d}" for d in differences)
        super().__init__(
            f"规划“{plan.short_name}”的以下类别已有项目，文件会改名或删除它们，已拒绝加载，未做任何修改：\n{lines}\n"
            "如确需调整，请先在“规划管理”页面中处理相关项目，或修改规划文件使其保留这些类别。"
        )
        self.differences = differences


@dataclass
class PlanLoadResult:
    plan: Plan
    created: bool = False
    changes: list[str] = field(default_factory=list)


def load_plan_definition(actor, definition: PlanDefinition) -> PlanLoadResult:
    """Create the plan, or update it to match the definition; refuse renames or drops of used categories."""
    plan = find_plan(definition)
    if plan is None:
        plan = _create(definition)
        record(actor, "plan.load", plan, after=_summary(definition), summary=f"加载规划 {plan.short_name}")
        return PlanLoadResult(plan, created=True, changes=[f"新建规划 {plan.short_name}"])
    refused = _refusals(plan, definition)
    if refused:
        raise PlanLoadRefused(plan, refused)
    changes = _apply(plan, definition)
    if changes:
        record(actor, "plan.load", plan, after=_summary(definition), summary="；".join(changes)[:2000])
    return PlanLoadResult(plan, changes=changes)


def find_plan(definition: PlanDefinition) -> Plan | None:
    """The stored plan a definition describes: same name, or same short name and first year."""
    by_name = session.scalar(select(Plan).where(Plan.name == definition.name))
    if by_name is not None:
        return by_name
    return session.scalar(
        select(Plan).where(Plan.short_name == definition.short_name, Plan.start_year == definition.start_year)
    )


def _create(definition: PlanDefinition) -> Plan:
    plan = Plan(
        name=definition.name,
        short_name=definition.short_name,
        doc_number=definition.doc_number,
        start_year=definition.start_year,
        end_year=definition.end_year,
    )
    for c in definition.categories:
        category = Category(number=c.number, name=c.name, aliases=list(c.aliases))
        category.subcategories = [Subcategory(number=i, name=s) for i, s in enumerate(c.subcategories, 1)]
        plan.categories.append(category)
    session.add(plan)
    session.flush()
    return plan


def _refusals(plan: Plan, definition: PlanDefinition) -> list[str]:
    """Every difference the file would make to a category or sub-category that has projects."""
    by_cat, by_sub = count_by_category(plan), count_by_subcategory(plan)
    wanted = {c.number: c for c in definition.categories}
    out = []
    for cat in plan.categories:
        used, want = by_cat.get(cat.id, 0), wanted.get(cat.number)
        if used and want is None:
            out.append(f"类别 {cat.number}“{cat.name}”（{used} 个项目）在文件中不存在，会被删除")
        elif used and want.name != cat.name:
            out.append(f"类别 {cat.number}“{cat.name}”（{used} 个项目）会改名为“{want.name}”")
        for sub in cat.subcategories:
            n = by_sub.get(sub.id, 0)
            if n and (want is None or sub.name not in want.subcategories):
                out.append(f"子类“{cat.name} / {sub.name}”（{n} 个项目）在文件中不存在，会被删除")
    return out


def _apply(plan: Plan, definition: PlanDefinition) -> list[str]:
    changes = []
    for attr, label in (
        ("short_name", "简称"),
        ("doc_number", "文号"),
        ("start_year", "起始年"),
        ("end_year", "结束年"),
    ):
        new = getattr(definition, attr)
        if getattr(plan, attr) != new:
            changes.append(f"{label}：{getattr(plan, attr) or '—'} → {new or '—'}")
            setattr(plan, attr, new)
    wanted = {c.number: c for c in definition.categories}
    for cat in list(plan.categories):
        if cat.number not in wanted:
            changes.append(f"删除类别 {cat.number}“{cat.name}”")
            plan.categories.remove(cat)
    session.flush()
    existing = {c.number: c for c in plan.categories}
    for want in definition.categories:
        cat = existing.get(want.number)
        if cat is None:
            cat = Category(number=want.number, name=want.name, aliases=list(want.aliases))
            plan.categories.append(cat)
            changes.append(f"新增类别 {want.number}“{want.name}”")
        changes += _apply_category(cat, want)
    session.flush()
    return changes


def _apply_category(cat: Category, want: CategoryDefinition) -> list[str]:
    changes = []
    if cat.name != want.name:
        changes.append(f"类别 {cat.number} 改名：“{cat.name}” → “{want.name}”")
        cat.name = want.name
    if list(cat.aliases or []) != want.aliases:
        changes.append(f"类别“{want.name}”的别名改为：{'、'.join(want.aliases) or '（无）'}")
        cat.aliases = list(want.aliases)
    current = {s.name: s for s in cat.subcategories}
    for sub in list(cat.subcategories):
        if sub.name not in want.subcategories:
            changes.append(f"删除子类“{want.name} / {sub.name}”")
            cat.subcategories.remove(sub)
    session.flush()
    kept_before = [s.name for s in cat.subcategories]
    for number, name in enumerate(want.subcategories, start=1):
        sub = current.get(name)
        if sub is None:
            cat.subcategories.append(Subcategory(number=number, name=name))
            changes.append(f"新增子类“{want.name} / {name}”")
        else:
            sub.number = number
    if kept_before != [n for n in want.subcategories if n in current]:
        changes.append(f"调整类别“{want.name}”的子类顺序")
    return changes


def _summary(definition: PlanDefinition) -> dict:
    return {
        "name": definition.name,
        "short_name": definition.short_name,
        "years": f"{definition.start_year}–{definition.end_year}",
        "categories": [c.name for c in definition.categories],
    }
