"""Layout pages: the list, the editor with its preview, JSON export/import, and the sheet downloads."""

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portfolio.errors import DomainError
from portfolio.exports.filenames import content_disposition
from portfolio.exports.queries import get_location
from portfolio.exports.views import send_export
from portfolio.funding.queries import list_sources
from portfolio.layouts import bp
from portfolio.layouts.builtin import BUILTINS
from portfolio.layouts.catalogue import catalogue, funding_label, input_key
from portfolio.layouts.describe import field_name
from portfolio.layouts.forms import DeleteForm, LayoutForm, LayoutImportForm
from portfolio.layouts.queries import get_layout, list_all_sources, list_county_names, list_layouts
from portfolio.layouts.services import (
    LayoutRefused,
    check_layout,
    delete_layout,
    import_layout,
    layout_json,
    save_layout,
)
from portfolio.layouts.sheets import export_all_layouts, export_layout, preview_layout
from portfolio.layouts.spec import GROUPINGS, LayoutSpec
from portfolio.layouts.template import export_layout_template
from portfolio.layouts.validate import input_fields_text
from portfolio.localtime import local_today
from portfolio.numbers import parse_int
from portfolio.permissions import requires
from portfolio.projects.queries import get_selected_plan
from portfolio.reporting.queries import get_period
from portfolio.reporting.selection import (
    choose_period,
    get_default_period,
    get_open_period,
    list_plan_periods,
)
from portfolio.unit_of_work import discard, refuse

NEW_TITLE = "焦作市“{规划}”重大工程项目情况表（{县区}，{期间}）"


def _choices(plan, spec: LayoutSpec | None) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """The editor's field list for the plan, with any field the layout already uses."""
    sources = list_sources(plan.id)
    found = catalogue(sources, plan.years, plan.short_name)
    labels = {k: c.label for k, c in found.items()}
    named = {
        k: (funding_label(k, sources) if k.startswith("fund:") else f"{c.group}·{c.label}")
        + ("（可填报）" if input_key(k) else "")
        for k, c in found.items()
    }
    everywhere = list_all_sources() if spec else []  # a column chosen under another plan, by name
    for column in spec.columns if spec else []:
        named.setdefault(column.key, field_name(column.key, everywhere))
    return [("", "（选择字段）"), *named.items()], labels


def _period(plan):
    chosen = parse_int(request.args.get("period") or "")
    return get_period(chosen) if chosen else get_default_period(plan, local_today())


@bp.route("/layouts")
@requires("layout.manage")
def index():
    return render_template(
        "layouts/index.html",
        layouts=list_layouts(),
        builtins=BUILTINS,
        groupings=GROUPINGS,
        import_form=LayoutImportForm(),
        delete_form=DeleteForm(),
    )


@bp.route("/layouts/new", methods=["GET", "POST"])
@requires("layout.manage")
def new():
    return _edit(None)


@bp.route("/layouts/<int:layout_id>", methods=["GET", "POST"])
@requires("layout.manage")
def edit(layout_id):
    return _edit(get_layout(layout_id))


def _edit(layout):
    plan = get_selected_plan(parse_int(request.args.get("plan") or ""))
    stored = LayoutSpec.from_dict(layout.spec) if layout else None
    copying = BUILTINS.get(request.args.get("from") or "") if layout is None else None
    if copying:  # start from a built-in layout
        stored = copying.spec()
    choices, labels = _choices(plan, stored)
    form = LayoutForm()
    periods = list_plan_periods(plan)
    form.preview_period.choices = [(p.id, p.code) for p in periods]
    form.county.choices = [(n, n) for n in list_county_names()]
    if not form.is_submitted():
        name = layout.name if layout else (f"{copying.name}（副本）" if copying else "")
        form.fill(name, stored or LayoutSpec(NEW_TITLE, [], heading=True))
        form.version.data = layout.version if layout else ""
    form.set_choices(choices)
    preview, problems = None, []
    if form.validate_on_submit():
        spec = form.spec(labels)
        try:
            if request.form.get("action") == "preview":
                check_layout(form.name.data or "预览", spec, layout.id if layout else None)
                period = choose_period(periods, form.preview_period.data, local_today())
                if period is None:  # the button did nothing, without a word
                    raise DomainError(f"“{plan.short_name}”还没有填报期间，无法预览；保存不受影响。")
                preview = preview_layout(current_user, spec, period)
                discard()  # a preview writes nothing
            else:
                version = parse_int(form.version.data or "")
                saved = save_layout(current_user, layout, form.name.data or "", spec, version)
                flash(f"已保存报表版式“{saved.name}”（第 {saved.version} 版）。", "success")
                return redirect(url_for("layouts.edit", layout_id=saved.id))
        except LayoutRefused as e:
            refuse(e)
            problems = e.problems
        except DomainError as e:
            refuse(e)
    form.add_blank_rows(choices)
    return render_template(
        "layouts/edit.html",
        form=form,
        layout=layout,
        plan=plan,
        preview=preview,
        problems=problems,
        input_fields=input_fields_text(),
        input_count=len(stored.inputs) if layout and stored else 0,
    )


@bp.route("/layouts/<int:layout_id>/delete", methods=["POST"])
@requires("layout.manage")
def delete(layout_id):
    layout = get_layout(layout_id)
    if DeleteForm().validate_on_submit():
        try:
            delete_layout(current_user, layout)
            flash(f"已删除报表版式“{layout.name}”。", "success")
        except DomainError as e:
            refuse(e)
    return redirect(url_for("layouts.index"))


@bp.route("/layouts/<int:layout_id>/layout.json")
@requires("layout.manage")
def download_json(layout_id):
    layout = get_layout(layout_id)
    response = Response(layout_json(layout), mimetype="application/json")
    response.headers["Content-Disposition"] = content_disposition(f"{layout.name}.json", "layout.json")
    return response


@bp.route("/layouts/import", methods=["POST"])
@requires("layout.manage")
def import_json():
    form = LayoutImportForm()
    if not form.validate_on_submit():
        flash("；".join(e for errors in form.errors.values() for e in errors), "error")
        return redirect(url_for("layouts.index"))
    try:
        layout = import_layout(current_user, form.file.data.read(), form.name.data)
    except DomainError as e:
        refuse(e)
        return redirect(url_for("layouts.index"))
    flash(f"已导入报表版式“{layout.name}”。", "success")
    return redirect(url_for("layouts.edit", layout_id=layout.id))


def _county():
    key = (request.args.get("county") or "").strip()
    return get_location(key) if key else None


@bp.route("/layouts/<int:layout_id>/sheet.xlsx")
@requires("export.download")
def download(layout_id):
    layout = get_layout(layout_id)
    plan = get_selected_plan(parse_int(request.args.get("plan") or ""))
    return send_export(export_layout(current_user, layout, _period(plan), _county()))


@bp.route("/layouts/all.zip")
@requires("export.download")
def download_all():
    plan = get_selected_plan(parse_int(request.args.get("plan") or ""))
    return send_export(export_all_layouts(current_user, _period(plan), _county()), "application/zip")


@bp.route("/layouts/<int:layout_id>/template.xlsx")
@requires("template.use")
def download_template(layout_id):
    """The layout issued as a fill-in template: uploaded back through exports.upload_template."""
    layout = get_layout(layout_id)
    plan = get_selected_plan(parse_int(request.args.get("plan") or ""))
    chosen = parse_int(request.args.get("period") or "")
    period = get_period(chosen) if chosen else get_open_period(plan, local_today())
    try:
        file = export_layout_template(current_user, layout, period, current_app.config["SECRET_KEY"])
    except DomainError as e:
        refuse(e)
        return redirect(url_for("exports.index", period=period.id))
    return send_export(file)
