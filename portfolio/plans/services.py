"""Plan management: create a plan, edit it and its categories, reorder, close. Every change is audited."""

from dataclasses import dataclass, field

from sqlalchemy import func, select

from portfolio.audit.services import record
from portfolio.db import session, utcnow
from portfolio.errors import DomainError
from portfolio.plans.definition import PlanDefinition
from portfolio.plans.queries import count_by_category, count_by_subcategory
from portfolio.plans.state import ensure_plan_open
from portfolio.plans.sync import load_plan_definition
from portfolio.projects.models import Category, Plan, Subcategory


@dataclass
class PlanFields:
    name: str
    short_name: str
    doc_number: str | None
    start_year: int
    end_year: int


@dataclass
class SubcategoryEdit:
    """One row of a category's sub-category list: an existing one (id) or a new one (id None)."""

    id: int | None
    name: str
    order: int
    remove: bool = False


@dataclass
class CategoryEdit:
    name: str
    aliases: list[str]
    subcategories: list[SubcategoryEdit] = field(default_factory=list)


def create_plan(actor, definition: PlanDefinition) -> Plan:
    """A new plan (the 15th, say) with its own categories, beside the existing ones."""
    if session.scalar(select(Plan.id).where(Plan.name == definition.name)):
        raise DomainError(f"已有名为“{definition.name}”的规划。")
    if session.scalar(select(Plan.id).where(Plan.short_name == definition.short_name)):
        raise DomainError(
            f"简称“{definition.short_name}”已被其他规划使用，请换一个（导入和导出靠简称区分规划）。"
        )
    plan = load_plan_definition(actor, definition).plan
    record(
        actor, "plan.create", plan, after={"name": plan.name, "years": f"{plan.start_year}–{plan.end_year}"}
    )
    return plan


def update_plan(actor, plan: Plan, fields: PlanFields) -> None:
    """Change a plan's names, document number or years."""
    ensure_plan_open(plan)
    if fields.start_year > fields.end_year:
        raise DomainError(f"起始年 {fields.start_year} 晚于结束年 {fields.end_year}。")
    clash = select(Plan.id).where(Plan.id != plan.id)
    if session.scalar(clash.where(Plan.name == fields.name)):
        raise DomainError(f"已有名为“{fields.name}”的规划。")
    if session.scalar(clash.where(Plan.short_name == fields.short_name)):
        raise DomainError(f"简称“{fields.short_name}”已被其他规划使用。")
    before = {k: getattr(plan, k) for k in fields.__dict__}
    for key, value in fields.__dict__.items():
        setattr(plan, key, value)
    after = {k: getattr(plan, k) for k in fields.__dict__}
    if before != after:
        record(actor, "plan.update", plan, before=before, after=after, summary=f"修改规划 {plan.short_name}")
    session.flush()


def set_plan_closed(actor, plan: Plan, closed: bool) -> None:
    """Close a finished plan (read-only except evaluation), or reopen it."""
    if closed == (plan.closed_at is not None):
        return
    plan.closed_at = utcnow() if closed else None
    action = "plan.close" if closed else "plan.reopen"
    record(
        actor,
        action,
        plan,
        after={"closed": closed},
        summary=f"{'关闭' if closed else '重新开放'}规划 {plan.short_name}",
    )
    session.flush()


def add_category(actor, plan: Plan, name: str, aliases: list[str]) -> Category:
    """Append a category at the end of the plan's list."""
    ensure_plan_open(plan)
    _unique_category_name(plan, name)
    top = session.scalar(select(func.max(Category.number)).where(Category.plan_id == plan.id)) or 0
    category = Category(plan=plan, number=top + 1, name=name, aliases=aliases)
    session.add(category)
    session.flush()
    record(
        actor, "category.create", category, after={"plan": plan.short_name, "name": name, "aliases": aliases}
    )
    return category


def update_category(actor, category: Category, edit: CategoryEdit) -> None:
    """Rename a category, set its aliases, and rename, add, reorder or remove its sub-categories."""
    plan = category.plan
    ensure_plan_open(plan)
    if edit.name != category.name:
        _unique_category_name(plan, edit.name)
    before = _category_state(category)
    category.name, category.aliases = edit.name, edit.aliases
    _apply_subcategories(category, edit.subcategories)
    session.flush()
    after = _category_state(category)
    if before != after:
        record(
            actor,
            "category.update",
            category,
            before=before,
            after=after,
            summary=f"修改类别“{category.name}”",
        )


def delete_category(actor, category: Category) -> None:
    """Remove a category that has no projects; one with projects is refused, saying why."""
    plan = category.plan
    ensure_plan_open(plan)
    used = count_by_category(plan).get(category.id, 0)
    if used:
        raise DomainError(
            f"类别“{category.name}”下有 {used} 个项目，不能删除。请先将这些项目调整到其他类别。"
        )
    record(
        actor,
        "category.delete",
        category,
        before=_category_state(category),
        summary=f"删除类别“{category.name}”",
    )
    plan.categories.remove(category)
    session.flush()
    _renumber(plan, list(plan.categories))


def move_category(actor, category: Category, step: int) -> None:
    """Move a category one place up (-1) or down (+1); the numbers follow the new order."""
    plan = category.plan
    ensure_plan_open(plan)
    order = list(plan.categories)
    i = order.index(category)
    j = i + step
    if not 0 <= j < len(order):
        return
    order[i], order[j] = order[j], order[i]
    _renumber(plan, order)
    record(
        actor,
        "category.reorder",
        plan,
        after={"order": [c.name for c in order]},
        summary=f"调整类别顺序：“{category.name}”",
    )


def _renumber(plan: Plan, order: list[Category]) -> None:
    # (plan, number) is unique: park every number out of the way before writing the new ones.
    for c in order:
        c.number = c.number + 10_000
    session.flush()
    for n, c in enumerate(order, start=1):
        c.number = n
    session.flush()
    session.expire(plan, ["categories"])


def _apply_subcategories(category: Category, rows: list[SubcategoryEdit]) -> None:
    used = count_by_subcategory(category.plan)
    existing = {s.id: s for s in category.subcategories}
    kept: list[tuple[int, Subcategory, str]] = []
    for row in rows:
        sub = existing.get(row.id) if row.id else None
        if row.id and sub is None:
            raise DomainError("要修改的子类不存在或不属于该类别，请刷新页面后重试。")
        if row.remove and sub is not None:
            if used.get(sub.id):
                raise DomainError(f"子类“{sub.name}”下有 {used[sub.id]} 个项目，不能删除。")
            category.subcategories.remove(sub)
        elif row.name:
            kept.append((row.order, sub, row.name))
    # Sub-categories the form did not name stay as they are, so their names count too.
    mentioned = {row.id for row in rows if row.id}
    names = [name for _, _, name in kept]
    names += [s.name for s in category.subcategories if s.id is not None and s.id not in mentioned]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise DomainError(f"子类名称重复：{'、'.join(dupes)}。")
    _write_subcategories(category, sorted(kept, key=lambda item: item[0]))


def _write_subcategories(category: Category, kept: list[tuple[int, Subcategory | None, str]]) -> None:
    # (category, name) is unique: flush removals and park kept names first, so swaps and re-adds work.
    session.flush()
    for _, sub, _ in kept:
        if sub is not None:
            sub.name = f"~{sub.id}"
    session.flush()
    for n, (_, sub, name) in enumerate(kept, start=1):
        if sub is None:
            category.subcategories.append(Subcategory(name=name, number=n))
        else:
            sub.name, sub.number = name, n


def _unique_category_name(plan: Plan, name: str) -> None:
    if session.scalar(select(Category.id).where(Category.plan_id == plan.id, Category.name == name)):
        raise DomainError(f"规划中已有名为“{name}”的类别。")


def _category_state(category: Category) -> dict:
    return {
        "name": category.name,
        "aliases": list(category.aliases or []),
        "subcategories": [s.name for s in sorted(category.subcategories, key=lambda s: s.number)],
    }
