"""Plan management pages (规划管理) for planners and admins: list, create, edit, reorder, close."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from portfolio.errors import DomainError
from portfolio.funding.services import ensure_default_sources
from portfolio.permissions import requires
from portfolio.plans import bp
from portfolio.plans.definition import parse_definition
from portfolio.plans.forms import CategoryEditForm, CategoryForm, PlanCreateForm, PlanForm
from portfolio.plans.queries import (
    count_by_category,
    count_by_subcategory,
    get_category,
    get_plan_by_id,
    list_plans_with_counts,
)
from portfolio.plans.services import (
    add_category,
    create_plan,
    delete_category,
    move_category,
    set_plan_closed,
    update_category,
    update_plan,
)
from portfolio.unit_of_work import refuse


def _errors(form) -> str:
    return "；".join(e for errors in form.errors.values() for e in errors)


def _back(plan_id: int):
    return redirect(url_for("plans.edit", plan_id=plan_id))


@bp.route("/plans")
@requires("plan.manage")
def index():
    return render_template("plans/index.html", rows=list_plans_with_counts())


@bp.route("/plans/new", methods=["GET", "POST"])
@requires("plan.manage")
def create():
    form = PlanCreateForm()
    if form.validate_on_submit():
        try:
            raw = form.fields().__dict__ | {"categories": form.category_definitions()}
            plan = create_plan(current_user, parse_definition(raw))
            # As `plans load` and seed-demo do: a new plan starts with the standard 资金来源 list.
            sources = ensure_default_sources(plan)
            span = f"{plan.start_year}–{plan.end_year}"
            flash(f"已新建规划 {plan.short_name}（{span}），{len(sources)} 个资金来源。", "success")
            return _back(plan.id)
        except DomainError as e:
            refuse(e)
    return render_template("plans/create.html", form=form), 400 if request.method == "POST" else 200


@bp.route("/plans/<int:plan_id>", methods=["GET", "POST"])
@requires("plan.manage")
def edit(plan_id):
    plan = get_plan_by_id(plan_id)
    form = PlanForm(obj=plan)
    if form.validate_on_submit():
        try:
            update_plan(current_user, plan, form.fields())
            flash("规划信息已保存。", "success")
            return _back(plan.id)
        except DomainError as e:
            refuse(e)
    elif request.method == "POST":
        flash(_errors(form), "error")
    return render_template(
        "plans/edit.html",
        plan=plan,
        form=form,
        new_category=CategoryForm(formdata=None),
        category_forms={c.id: _category_form(c) for c in plan.categories},
        used=count_by_category(plan),
        used_subs=count_by_subcategory(plan),
    )


@bp.route("/plans/<int:plan_id>/state", methods=["POST"])
@requires("plan.manage")
def state(plan_id):
    plan = get_plan_by_id(plan_id)
    closing = request.form.get("state") == "closed"
    done = "已关闭，之后只能查看和开展评估" if closing else "已重新开放"
    return _run(
        plan.id, lambda: set_plan_closed(current_user, plan, closing), f"规划 {plan.short_name} {done}。"
    )


@bp.route("/plans/<int:plan_id>/categories", methods=["POST"])
@requires("plan.manage")
def add_category_view(plan_id):
    plan = get_plan_by_id(plan_id)
    form = CategoryForm()
    if not form.validate_on_submit():
        flash(_errors(form), "error")
        return _back(plan.id)
    new = form.definition()
    return _run(plan.id, lambda: add_category(current_user, plan, new.name, new.aliases), "类别已新增。")


@bp.route("/plans/<int:plan_id>/categories/<int:category_id>", methods=["POST"])
@requires("plan.manage")
def edit_category(plan_id, category_id):
    category = get_category(get_plan_by_id(plan_id), category_id)
    form = CategoryEditForm()
    if not form.validate_on_submit():
        flash(_errors(form), "error")
        return _back(plan_id)
    return _run(
        plan_id, lambda: update_category(current_user, category, form.edit(request.form)), "类别已保存。"
    )


@bp.route("/plans/<int:plan_id>/categories/<int:category_id>/delete", methods=["POST"])
@requires("plan.manage")
def delete_category_view(plan_id, category_id):
    category = get_category(get_plan_by_id(plan_id), category_id)
    return _run(plan_id, lambda: delete_category(current_user, category), f"类别“{category.name}”已删除。")


@bp.route("/plans/<int:plan_id>/categories/<int:category_id>/move", methods=["POST"])
@requires("plan.manage")
def move_category_view(plan_id, category_id):
    category = get_category(get_plan_by_id(plan_id), category_id)
    step = -1 if request.form.get("direction") == "up" else 1
    return _run(plan_id, lambda: move_category(current_user, category, step), "类别顺序已调整。")


def _category_form(category) -> CategoryEditForm:
    return CategoryEditForm(formdata=None, name=category.name, aliases="、".join(category.aliases or []))


def _run(plan_id: int, change, message: str):
    """Call one service and say so, or show its refusal (the commit point keeps or drops the change)."""
    try:
        change()
        flash(message, "success")
    except DomainError as e:
        refuse(e)
    return _back(plan_id)
