"""Evaluation pages: rounds, a round's project assessments, the report (page and workbook), indicators."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from portfolio.errors import DomainError
from portfolio.evaluation import bp
from portfolio.evaluation.charts import compare_chart, report_charts
from portfolio.evaluation.compare import compare_rounds
from portfolio.evaluation.forms import (
    AssessmentEditForm,
    IndicatorVerdictForm,
    RoundActionForm,
    RoundCreateForm,
    RoundReopenForm,
)
from portfolio.evaluation.models import ProjectClass
from portfolio.evaluation.queries import (
    count_assessments_by_class,
    get_assessment,
    get_indicator,
    get_round,
    list_assessment_page,
    list_rounds,
)
from portfolio.evaluation.report_page import LIST_SIZE, report_lists
from portfolio.evaluation.report_xlsx import report_workbook
from portfolio.evaluation.scope import report_for
from portfolio.evaluation.services import (
    AssessmentData,
    create_round,
    default_rounds,
    finalize_round,
    refresh_round,
    reopen_round,
    save_assessment,
)
from portfolio.evaluation.snapshot import assessment_detail
from portfolio.evaluation.verdicts import save_indicator_verdict, verdict_choices
from portfolio.exports.views import send_export
from portfolio.numbers import parse_int
from portfolio.paging import page_of, requested_page
from portfolio.permissions import authorize, requires
from portfolio.projects.queries import list_plans
from portfolio.projects.services import get_plan
from portfolio.unit_of_work import refuse


def _done(message: str, endpoint: str, **kwargs):
    flash(message, "success")
    return redirect(url_for(endpoint, **kwargs))


def _refused(error: DomainError, endpoint: str, **kwargs):
    refuse(error)
    return redirect(url_for(endpoint, **kwargs))


def _rounds_page(form: RoundCreateForm | None = None, status: int = 200):
    plans = list_plans()
    form = form or RoundCreateForm()
    form.plan_id.choices = [(p.id, f"{p.short_name} {p.name}") for p in plans]
    rounds_ = list_rounds()
    taken = {(r.plan_id, r.name) for r in rounds_}
    suggestions = {p.id: [(n, d) for n, d in default_rounds(p) if (p.id, n) not in taken] for p in plans}
    page = render_template(
        "evaluation/rounds.html", rounds=rounds_, plans=plans, form=form, suggestions=suggestions
    )
    return page, status


@bp.route("/evaluation/")
@requires("evaluation.view")
def rounds():
    return _rounds_page()


@bp.route("/evaluation/rounds", methods=["POST"])
@requires("evaluation.manage")
def new_round():
    form = RoundCreateForm()
    form.plan_id.choices = [(p.id, p.name) for p in list_plans()]
    if not form.validate_on_submit():
        return _rounds_page(form, 400)
    try:
        round_ = create_round(current_user, get_plan(form.plan_id.data), form.name.data, form.as_of.data)
    except DomainError as e:
        refuse(e)
        return _rounds_page(form, e.status)
    return _done(
        f"已创建“{round_.name}”，并按截止日计算了项目分类。", "evaluation.round_detail", round_id=round_.id
    )


@bp.route("/evaluation/rounds/<int:round_id>")
@requires("evaluation.view")
def round_detail(round_id: int):
    round_ = get_round(round_id)
    klass = ProjectClass.from_label(request.args.get("class", ""))
    counts = count_assessments_by_class(round_, current_user)
    page_number = request.args.get("page", type=parse_int) or 1
    return render_template(
        "evaluation/round.html",
        round=round_,
        page=list_assessment_page(round_, current_user, klass, page_number, counts),
        counts=counts,
        klass=klass,
        classes=list(ProjectClass),
        action_form=RoundActionForm(version=round_.version),
        reopen_form=RoundReopenForm(version=round_.version),
    )


@bp.route("/evaluation/rounds/<int:round_id>/refresh", methods=["POST"])
@requires("evaluation.edit")
def refresh(round_id: int):
    round_, form = get_round(round_id), RoundActionForm()
    try:
        counts = refresh_round(current_user, round_, form.version.data)
    except DomainError as e:
        return _refused(e, "evaluation.round_detail", round_id=round_id)
    message = f"已重新计算：新增 {counts['added']} 个项目，分类变化 {counts['changed']} 个。"
    return _done(message, "evaluation.round_detail", round_id=round_id)


@bp.route("/evaluation/rounds/<int:round_id>/finalize", methods=["POST"])
@requires("evaluation.finalize")
def finalize(round_id: int):
    round_, form = get_round(round_id), RoundActionForm()
    try:
        finalize_round(current_user, round_, form.version.data)
    except DomainError as e:
        return _refused(e, "evaluation.round_detail", round_id=round_id)
    return _done(f"“{round_.name}”已定稿，评估结果已冻结。", "evaluation.report", round_id=round_id)


@bp.route("/evaluation/rounds/<int:round_id>/reopen", methods=["POST"])
@requires("evaluation.reopen")
def reopen(round_id: int):
    round_, form = get_round(round_id), RoundReopenForm()
    if not form.validate_on_submit():
        flash("重新开启已定稿的评估必须填写理由。", "error")
        return redirect(url_for("evaluation.round_detail", round_id=round_id))
    try:
        reopen_round(current_user, round_, form.reason.data, form.version.data)
    except DomainError as e:
        return _refused(e, "evaluation.round_detail", round_id=round_id)
    return _done(f"“{round_.name}”已重新开启，操作已记入日志。", "evaluation.round_detail", round_id=round_id)


@bp.route("/evaluation/rounds/<int:round_id>/report")
@requires("evaluation.view")
def report(round_id: int):
    round_ = get_round(round_id)
    data = report_for(round_, current_user)
    return render_template(
        "evaluation/report.html",
        round=round_,
        data=data,
        lists=report_lists(round_, current_user, data, request.args),
        charts=report_charts(data),
        report_classes=list(ProjectClass),
        verdict_choices=verdict_choices(round_),
        verdict_form=IndicatorVerdictForm(),
        class_labels={k.value: k.label for k in ProjectClass},
    )


@bp.route("/evaluation/rounds/<int:round_id>/report.xlsx")
@requires("evaluation.view")
def report_xlsx(round_id: int):
    round_ = get_round(round_id)
    return send_export(report_workbook(round_, current_user))


@bp.route("/evaluation/rounds/<int:round_id>/compare")
@requires("evaluation.view")
def compare(round_id: int):
    round_ = get_round(round_id)
    result = compare_rounds(list_rounds(round_.plan_id), current_user)
    return render_template(
        "evaluation/compare.html",
        round=round_,
        reports=result.reports,
        indicator_matrix=result.indicator_matrix,
        changed=page_of(result.changed, requested_page(request.args.get("page")), LIST_SIZE),
        chart=compare_chart([(r.name, d) for r, d in result.reports]),
        classes=list(ProjectClass),
    )


@bp.route("/evaluation/assessments/<int:assessment_id>")
@requires("evaluation.view")
def assessment(assessment_id: int):
    found = get_assessment(assessment_id)
    authorize("evaluation.view", found)
    form = AssessmentEditForm(obj=found)
    form.updated_at.data = found.updated_at.isoformat()  # obj= would render str(datetime) instead
    return _assessment_page(found, form)


def _assessment_page(found, form, status: int = 200):
    row = assessment_detail(found)
    return render_template("evaluation/assessment.html", a=found, form=form, row=row), status


@bp.route("/evaluation/assessments/<int:assessment_id>/edit", methods=["POST"])
@requires("evaluation.edit")
def edit_assessment(assessment_id: int):
    found = get_assessment(assessment_id)
    authorize("evaluation.edit", found)
    form = AssessmentEditForm()
    if not form.validate_on_submit():
        return _assessment_page(found, form, 400)
    data = AssessmentData(
        ProjectClass(form.final_class.data),
        form.override_reason.data,
        form.score.data,
        form.comment.data,
        form.updated_at.data or None,
    )
    try:
        save_assessment(current_user, found, data)
    except DomainError as e:
        refuse(e)
        return _assessment_page(get_assessment(assessment_id), form, e.status)
    return _done("评估意见已保存。", "evaluation.round_detail", round_id=found.round_id)


@bp.route("/evaluation/rounds/<int:round_id>/indicators/<int:indicator_id>/verdict", methods=["POST"])
@requires("evaluation.edit")
def indicator_verdict(round_id: int, indicator_id: int):
    round_, indicator = get_round(round_id), get_indicator(indicator_id)
    form = IndicatorVerdictForm()
    try:
        save_indicator_verdict(current_user, round_, indicator, form.verdict.data, form.reason.data)
    except DomainError as e:
        return _refused(e, "evaluation.report", round_id=round_id)
    return _done(f"已保存“{indicator.name}”的评审结论。", "evaluation.report", round_id=round_id)


from portfolio.evaluation import indicator_views  # noqa: E402, F401  (attaches the indicator routes)
