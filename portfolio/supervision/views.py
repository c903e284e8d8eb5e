"""督办 pages: the list with red projects offered, issuing, an item with its history and its forms, the
A4 notice, and answer files. The home pages list open items through a registered section."""

from datetime import timedelta

from flask import current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from portfolio.auth.models import Role
from portfolio.errors import DomainError, NotFound
from portfolio.home.sections import HomeSection, add_section
from portfolio.localtime import local_today
from portfolio.numbers import parse_int
from portfolio.permissions import authorize, requires
from portfolio.projects.queries import get_project
from portfolio.reporting.attachments import upload_dir
from portfolio.reporting.progress import default_as_of, progress_for
from portfolio.supervision import bp
from portfolio.supervision.forms import ItemAnswerForm, ItemDecisionForm, ItemIssueForm
from portfolio.supervision.queries import (
    STATE_FILTERS,
    get_file,
    get_item,
    list_choices,
    list_items,
    list_open_items,
    list_red_candidates,
)
from portfolio.supervision.services import answer_item, close_item, escalate_item, issue_item, return_item
from portfolio.unit_of_work import refuse

DEFAULT_DAYS = 15

add_section(
    HomeSection(
        "supervision",
        frozenset({Role.ADMIN, Role.PLANNER, Role.COUNTY_OFFICER}),
        "supervision/_home.html",
        lambda user, today: list_open_items(user, today),
        order=20,
    )
)


@bp.route("/supervision")
@requires("supervision.view")
def index():
    state = request.args.get("state") if request.args.get("state") in STATE_FILTERS else "open"
    page = request.args.get("page", type=parse_int) or 1
    offered = list_red_candidates(current_user) if current_user.role in (Role.ADMIN, Role.PLANNER) else []
    return render_template(
        "supervision/index.html",
        page=list_items(current_user, state, local_today(), page, current_app.config["PAGE_SIZE"]),
        state=state,
        states=STATE_FILTERS,
        offered=offered,
        today=local_today(),
    )


def _issue_form(project) -> ItemIssueForm:
    form = ItemIssueForm()
    form.fill_choices(list_choices(project))
    if request.method == "GET":
        progress = progress_for([project], default_as_of(project.plan))[project.id]
        lead = project.lead_unit
        county = next((loc for loc in project.locations if loc.is_county), None)
        form.unit_id.data = lead.id if lead else None
        form.county_id.data = county.id if county else None
        form.problem.data = "；".join(x for x in (progress.warning.reason, progress.problems) if x)
        form.deadline.data = local_today() + timedelta(days=DEFAULT_DAYS)
    return form


@bp.route("/supervision/new/<int:project_id>", methods=["GET", "POST"])
@requires("supervision.issue")
def new(project_id: int):
    project = get_project(project_id)
    authorize("supervision.issue", project)
    form = _issue_form(project)
    if form.validate_on_submit():
        try:
            item = issue_item(current_user, project, form.to_input(), local_today())
        except DomainError as refused:
            refuse(refused)
            return render_template("supervision/new.html", project=project, form=form), refused.status
        flash(
            f"已下达{item.code}，责任单位：{item.responsible}，办理期限 {item.deadline.isoformat()}。",
            "success",
        )
        return redirect(url_for("supervision.detail", item_id=item.id))
    return render_template("supervision/new.html", project=project, form=form), 400 if form.errors else 200


def _render_detail(item, answer_form=None, decision_form=None, status: int = 200):
    return render_template(
        "supervision/detail.html",
        item=item,
        today=local_today(),
        answer_form=answer_form or ItemAnswerForm(formdata=None, version=item.version),
        decision_form=decision_form or ItemDecisionForm(formdata=None, version=item.version),
    ), status


@bp.route("/supervision/items/<int:item_id>")
@requires("supervision.view")
def detail(item_id: int):
    item = get_item(item_id)
    authorize("supervision.view", item)
    return _render_detail(item)


@bp.route("/supervision/items/<int:item_id>/notice")
@requires("supervision.view")
def notice(item_id: int):
    item = get_item(item_id)
    authorize("supervision.view", item)
    return render_template("supervision/notice.html", item=item)


@bp.route("/supervision/items/<int:item_id>/answer", methods=["POST"])
@requires("supervision.answer")
def answer(item_id: int):
    item = get_item(item_id)
    authorize("supervision.answer", item)
    form = ItemAnswerForm()
    if not form.validate_on_submit():
        return _render_detail(item, answer_form=form, status=400)
    try:
        answer_item(current_user, item, form.to_input(), form.version_number())
    except DomainError as refused:
        refuse(refused)
        return _render_detail(get_item(item_id), answer_form=form, status=refused.status)
    flash(f"已答复{item.code}，等待市级牵头部门审核。", "success")
    return redirect(url_for("supervision.detail", item_id=item.id))


DECISIONS = {
    "close": (
        lambda item, form: close_item(current_user, item, form.note.data, form.version_number()),
        "已办结",
    ),
    "return": (
        lambda item, form: return_item(current_user, item, form.note.data, form.version_number()),
        "已退回重办",
    ),
    "escalate": (
        lambda item, form: escalate_item(
            current_user, item, form.note.data, local_today(), form.version_number()
        ),
        "已升级督办",
    ),
}


def _decide(item_id: int, decision: str):
    item = get_item(item_id)
    authorize("supervision.decide", item)
    form = ItemDecisionForm()
    run, done = DECISIONS[decision]
    if not form.validate_on_submit():
        return _render_detail(item, decision_form=form, status=400)
    try:
        run(item, form)
    except DomainError as refused:
        refuse(refused)
        return _render_detail(get_item(item_id), decision_form=form, status=refused.status)
    flash(f"{item.code}{done}。", "success")
    return redirect(url_for("supervision.detail", item_id=item.id))


@bp.route("/supervision/items/<int:item_id>/close", methods=["POST"])
@requires("supervision.decide")
def close(item_id: int):
    return _decide(item_id, "close")


@bp.route("/supervision/items/<int:item_id>/return", methods=["POST"])
@requires("supervision.decide")
def send_back(item_id: int):
    return _decide(item_id, "return")


@bp.route("/supervision/items/<int:item_id>/escalate", methods=["POST"])
@requires("supervision.decide")
def escalate(item_id: int):
    return _decide(item_id, "escalate")


@bp.route("/supervision/files/<int:file_id>")
@requires("supervision.view")
def file(file_id: int):
    found = get_file(file_id)
    authorize("supervision.view", found)  # the item's project decides who may see it
    path = upload_dir() / found.stored_name  # our own random name, never the user's
    if not path.exists():
        raise NotFound("附件文件已不存在，请联系管理员。")
    return send_file(
        path,
        mimetype=found.content_type,
        as_attachment=True,
        download_name=found.original_name,
    )
