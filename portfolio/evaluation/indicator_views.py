"""Indicator pages: the plan's indicators with their status, one indicator's values, planners' entries."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from portfolio.errors import DomainError
from portfolio.evaluation import bp
from portfolio.evaluation.forms import IndicatorTargetForm, IndicatorValueForm
from portfolio.evaluation.models import TargetKind
from portfolio.evaluation.queries import get_indicator, list_indicator_values
from portfolio.evaluation.services import record_indicator_value, set_provincial_target
from portfolio.evaluation.snapshot import indicator_rows
from portfolio.localtime import local_today
from portfolio.permissions import requires
from portfolio.projects.queries import list_plans
from portfolio.unit_of_work import refuse


def _value_form(indicator, form=None) -> IndicatorValueForm:
    form = form or IndicatorValueForm()
    plan = indicator.plan
    form.year.choices = [(y, f"{y} 年") for y in plan.indicator_years]
    if form.year.data is None:
        form.year.data = plan.assessed_year(local_today()) - 1
    return form


@bp.route("/evaluation/indicators")
@requires("evaluation.view")
def indicators():
    today = local_today()
    sections = [(p, indicator_rows(p, p.assessed_year(today)), p.assessed_year(today)) for p in list_plans()]
    return render_template("evaluation/indicators.html", sections=sections)


def _indicator_page(indicator, value_form=None, target_form=None, status: int = 200):
    plan = indicator.plan
    row = next(r for r in indicator_rows(plan, plan.assessed_year(local_today())) if r["id"] == indicator.id)
    page = render_template(
        "evaluation/indicator.html",
        indicator=indicator,
        row=row,
        values=sorted(
            list_indicator_values([indicator.id]).get(indicator.id, {}).values(), key=lambda v: v.year
        ),
        value_form=_value_form(indicator, value_form),
        target_form=target_form or IndicatorTargetForm(),
        provincial=indicator.target_kind == TargetKind.PROVINCIAL,
    )
    return page, status


@bp.route("/evaluation/indicators/<int:indicator_id>")
@requires("evaluation.view")
def indicator(indicator_id: int):
    return _indicator_page(get_indicator(indicator_id))


@bp.route("/evaluation/indicators/<int:indicator_id>/values", methods=["POST"])
@requires("indicator.edit")
def record_value(indicator_id: int):
    found = get_indicator(indicator_id)
    form = _value_form(found, IndicatorValueForm())
    if not form.validate_on_submit():
        return _indicator_page(found, value_form=form, status=400)
    try:
        record_indicator_value(
            current_user, found, form.year.data, form.value.data, form.source.data, form.note.data
        )
    except DomainError as e:
        refuse(e)
        return _indicator_page(get_indicator(indicator_id), value_form=form, status=e.status)
    flash(f"已保存 {form.year.data} 年实际值。", "success")
    return redirect(url_for("evaluation.indicator", indicator_id=indicator_id))


@bp.route("/evaluation/indicators/<int:indicator_id>/target", methods=["POST"])
@requires("indicator.edit")
def set_target(indicator_id: int):
    found = get_indicator(indicator_id)
    form = IndicatorTargetForm()
    if not form.validate_on_submit():
        return _indicator_page(found, target_form=form, status=400)
    try:
        set_provincial_target(current_user, found, form.target.data, form.direction.data)
    except DomainError as e:
        refuse(e)
        return _indicator_page(get_indicator(indicator_id), target_form=form, status=e.status)
    flash("已录入省下达目标值。", "success")
    return redirect(url_for("evaluation.indicator", indicator_id=indicator_id))
