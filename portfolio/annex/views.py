"""Annex pages: upload → dry-run preview → confirm; the error report download; past import batches."""

import io
from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from portfolio.adjustments.services import AdjustmentNote, NoteRequired, is_adjusting
from portfolio.annex import bp, queries
from portfolio.annex.forms import AnnexConfirmForm, AnnexUploadForm
from portfolio.annex.report import display_value
from portfolio.annex.services import (
    confirm_upload,
    error_report_workbook,
    preview_staged,
    preview_upload,
)
from portfolio.annex.staging import discard as discard_staged
from portfolio.errors import DomainError
from portfolio.numbers import parse_int
from portfolio.permissions import requires
from portfolio.plans.state import plan_choices
from portfolio.projects.queries import list_plans
from portfolio.projects.services import get_plan
from portfolio.unit_of_work import after_commit, discard, refuse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.app_template_filter("annex_value")
def _annex_value(value) -> str:
    return display_value(value)


def _staging() -> Path:
    return Path(current_app.config["UPLOAD_DIR"]) / "annex-staging"


def _upload_form() -> AnnexUploadForm:
    form = AnnexUploadForm()
    form.plan_id.choices = plan_choices(list_plans(), lambda p: f"{p.short_name}：{p.name}")
    return form


def _preview(report, plan, sha: str, fingerprint: str, status: int = 200, form=None):
    form = form or AnnexConfirmForm(sha256=sha, plan_id=plan.id, fingerprint=fingerprint)
    return render_template(
        "annex/preview.html",
        report=report,
        plan=plan,
        sha=sha,
        form=form,
        adjusting=is_adjusting(plan),
    ), status


@bp.route("/annex/upload", methods=["GET", "POST"])
@requires("annex.import")
def upload():
    form = _upload_form()
    if not form.validate_on_submit():
        return render_template("annex/upload.html", form=form, batches=queries.list_batches(5))
    upload_file = form.file.data
    try:
        plan = get_plan(form.plan_id.data)
        report, sha, fingerprint = preview_upload(
            current_user, upload_file.read(), Path(upload_file.filename or "").name, plan, _staging()
        )
    except DomainError as e:
        refuse(e)
        return render_template("annex/upload.html", form=form, batches=queries.list_batches(5)), 400
    discard()  # a dry run: nothing to keep
    return _preview(report, plan, sha, fingerprint)


@bp.route("/annex/confirm", methods=["POST"])
@requires("annex.import")
def confirm():
    form = AnnexConfirmForm()
    if not form.validate_on_submit():
        flash("预览已失效，请重新上传附件。", "error")
        return redirect(url_for("annex.upload"))
    try:
        plan = get_plan(form.plan_id.data)
        note = AdjustmentNote(form.adjust_reason.data or "", form.adjust_doc_number.data or "")
        report = confirm_upload(current_user, _staging(), form.sha256.data, plan, form.fingerprint.data, note)
    except NoteRequired as e:  # show the preview again, with what was typed and the message
        refuse(e)
        again = preview_staged(current_user, _staging(), form.sha256.data, plan)
        discard()
        return _preview(again, plan, form.sha256.data, form.fingerprint.data, 400, form)
    except DomainError as e:
        refuse(e)
        return redirect(url_for("annex.upload"))
    if not report.ok:
        discard()
        flash("附件存在错误，未导入任何数据。", "error")
        return _preview(report, plan, form.sha256.data, form.fingerprint.data, 400)
    staging, sha = _staging(), form.sha256.data
    after_commit(lambda: discard_staged(staging, sha))  # the staged file goes once the import is kept
    c = report.counts
    flash(
        f"导入完成：新增 {c['created']}，更新 {c['updated']}，未变 {c['unchanged']}，"
        f"仅序号变动 {c['renumbered']}，调出 {c['withdrawn']}。",
        "success",
    )
    return redirect(url_for("annex.batch", batch_id=report.batch_id))


@bp.route("/annex/error-report")
@requires("annex.import")
def error_report():
    try:
        plan = get_plan(request.args.get("plan", type=parse_int))
        content, filename = error_report_workbook(_staging(), request.args.get("file", ""), plan)
    except DomainError as e:
        refuse(e)
        return redirect(url_for("annex.upload"))
    discard()  # building the report may stage rows; none are kept
    name = f"导入问题清单-{Path(filename).stem}.xlsx"
    return send_file(io.BytesIO(content), mimetype=XLSX, as_attachment=True, download_name=name)


@bp.route("/annex/batches")
@requires("annex.import")
def batches():
    return render_template("annex/batches.html", batches=queries.list_batches())


@bp.route("/annex/batches/<int:batch_id>")
@requires("annex.import")
def batch(batch_id: int):
    found = queries.get_batch(batch_id)
    if found is None:
        abort(404)
    batch, plan_name, user_name = found
    projects = queries.list_batch_projects(batch)
    return render_template(
        "annex/batch.html", batch=batch, plan_name=plan_name, user_name=user_name, projects=projects
    )
