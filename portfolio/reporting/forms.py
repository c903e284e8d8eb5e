"""Forms of the reporting pages; `report_input` turns the report form into the services' plain data."""

from decimal import Decimal

from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import (
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.meta import DefaultMeta
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from portfolio.funding.forms import AmountRowForm, read_amount_rows
from portfolio.number_fields import BoundedIntegerField, IdSelectField, MoneyField, PercentField
from portfolio.numbers import parse_int
from portfolio.projects.models import LifecycleStatus, MilestoneKind, MilestoneStatus
from portfolio.reporting import milestones
from portfolio.reporting.services import ReportInput
from portfolio.reporting.warnings import Thresholds

TEXT = 4000


class ChineseMeta:
    """WTForms' own Chinese messages ("不是有效的小数值" …) without Flask-Babel."""

    locales = ("zh",)

    def get_translations(self, form):
        return DefaultMeta.get_translations(self, form)


class ReportingForm(FlaskForm):
    class Meta(ChineseMeta):
        pass


class PeriodOpenForm(ReportingForm):
    plan_id = IdSelectField("所属规划")
    code = StringField("期间编号", validators=[DataRequired("请填写期间编号。"), Length(max=10)])
    deadline = DateField("报送截止日期", validators=[Optional()])
    submit = SubmitField("开放期间")


class PeriodReopenForm(ReportingForm):
    until = DateField("重新开放至", validators=[InputRequired("请填写重新开放的截止日期。")])
    submit = SubmitField("重新开放")


class ConfirmForm(ReportingForm):
    """A POST button with only its CSRF token: close a period, delete an attachment."""


class VersionForm(ReportingForm):
    version = HiddenField()

    def expected_version(self) -> int | None:
        return parse_int(self.version.data)


class ReturnForm(VersionForm):
    reason = TextAreaField(
        "退回原因", validators=[DataRequired("退回时必须填写退回原因。"), Length(max=TEXT)]
    )


class MilestoneRowForm(Form):
    class Meta(ChineseMeta, DefaultMeta):
        pass

    key = HiddenField()
    actual_date = DateField("实际完成日期", validators=[Optional()])
    status = SelectField("状态", choices=MilestoneStatus.choices())


class ReportForm(VersionForm):
    progress_text = TextAreaField("形象进度", validators=[Length(max=TEXT)])
    percent_complete = PercentField(
        "完成百分比（%）",
        validators=[Optional(), NumberRange(0, 100, "完成百分比应在 0 到 100 之间。")],
    )
    invested_wan = MoneyField(
        "本期完成投资（万元）",
        validators=[Optional(), NumberRange(0, None, "本期完成投资不能为负数。")],
    )
    new_status = SelectField("项目状态变更", choices=[("", "不变更"), *LifecycleStatus.choices()])
    # 本期到位资金: one row per funding source of the plan (see funding.forms.fill_amount_rows).
    funds = FieldList(FormField(AmountRowForm))
    milestones = FieldList(FormField(MilestoneRowForm))
    problems = TextAreaField("存在问题", validators=[Length(max=TEXT)])
    next_steps = TextAreaField("下步计划", validators=[Length(max=TEXT)])
    coordination = TextAreaField("需协调事项", validators=[Length(max=TEXT)])
    files = MultipleFileField("附件（JPG、PNG 图片或 PDF）")
    save = SubmitField("暂存")
    send = SubmitField("保存并报送")


def milestone_rows(project, report) -> list[dict]:
    """One row per milestone of the project, or per standard kind when it has none, prefilled."""
    updates, new = milestones.decode(report.milestone_updates if report else None)
    if project.milestones:
        return [
            {
                "key": str(m.id),
                "label": m.title or m.kind.label,
                "planned": m.planned_date,
                "value": updates.get(m.id, (m.actual_date, m.status)),
            }
            for m in project.milestones
        ]
    return [
        {
            "key": milestones.NEW_PREFIX + kind.value,
            "label": kind.label,
            "planned": None,
            "value": new.get(kind, (None, MilestoneStatus.PLANNED)),
        }
        for kind in milestones.STANDARD_KINDS
    ]


def fill_milestones(form: ReportForm, rows: list[dict]) -> None:
    """Prefill the milestone rows on first display; on a POST the submitted rows stand."""
    if form.milestones.entries:
        return
    for row in rows:
        actual, status = row["value"]
        form.milestones.append_entry({"key": row["key"], "actual_date": actual, "status": status.value})


def funds_input(form: ReportForm) -> dict | None:
    """Funds received by source id; None when the form carried no funding rows (leave them as stored)."""
    return read_amount_rows(form.funds) if form.funds.entries else None


def report_input(form: ReportForm) -> ReportInput:
    updates, new = {}, {}
    for entry in form.milestones.entries:
        key = entry.form.key.data or ""
        value = (entry.form.actual_date.data, MilestoneStatus(entry.form.status.data))
        if key.startswith(milestones.NEW_PREFIX):
            kind = MilestoneKind.from_label(key.removeprefix(milestones.NEW_PREFIX))
            if kind is not None and (value[0] or value[1] != MilestoneStatus.PLANNED):
                new[kind] = value
        elif parse_int(key) is not None:
            updates[parse_int(key)] = value
    files = [(f.filename, f.read()) for f in (form.files.data or []) if f and f.filename]
    return ReportInput(
        progress_text=form.progress_text.data,
        percent_complete=form.percent_complete.data,
        invested_wan=form.invested_wan.data,
        new_status=LifecycleStatus(form.new_status.data) if form.new_status.data else None,
        problems=form.problems.data,
        next_steps=form.next_steps.data,
        coordination=form.coordination.data,
        milestone_updates=updates or None,
        new_milestones=new or None,
        files=files,
    )


class ThresholdsForm(ReportingForm):
    yellow_points = PercentField(
        "黄色预警：落后序时进度（百分点）≥",
        places=1,
        validators=[InputRequired("请填写。"), NumberRange(0, 100, "应在 0 到 100 之间。")],
    )
    red_points = PercentField(
        "红色预警：落后序时进度（百分点）>",
        places=1,
        validators=[InputRequired("请填写。"), NumberRange(0, 100, "应在 0 到 100 之间。")],
    )
    not_started_months = BoundedIntegerField(
        "红色预警：计划开工后仍未开工（月）≥",
        validators=[InputRequired("请填写。"), NumberRange(1, 60, "应在 1 到 60 个月之间。")],
    )
    submit = SubmitField("保存阈值")

    def validate_red_points(self, field):
        if (
            self.yellow_points.data is not None
            and field.data is not None
            and field.data < self.yellow_points.data
        ):
            raise ValidationError("红色预警的落后幅度不能小于黄色预警。")

    def thresholds(self) -> Thresholds:
        return Thresholds(
            Decimal(self.yellow_points.data), Decimal(self.red_points.data), self.not_started_months.data
        )


class ReminderSendForm(ReportingForm):
    """催报 to one county (county_id) or to every late county (no county_id)."""

    county_id = BoundedIntegerField(validators=[Optional()])
    message = TextAreaField("附言", validators=[Optional(), Length(max=300, message="附言不超过 300 字。")])
