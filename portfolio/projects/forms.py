"""Planners' forms for a project: its fields and annual plan, and its planned milestones."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    HiddenField,
    MonthField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from portfolio.fields import FIELDS
from portfolio.number_fields import BoundedIntegerField, MoneyField
from portfolio.numbers import parse_int
from portfolio.projects.models import LifecycleStatus, MilestoneKind
from portfolio.projects.services import EDITABLE_FIELDS, MilestoneEdit, ProjectEdit

MONEY = [Optional(), NumberRange(min=0, message="投资额不能为负数。")]
YEAR = [Optional(), NumberRange(min=1990, max=2100, message="年份应在 1990—2100 之间。")]


class ProjectEditForm(FlaskForm):
    version = HiddenField(validators=[InputRequired()])
    name = StringField(FIELDS["name"].label, validators=[DataRequired("请填写项目名称。"), Length(max=300)])
    nature = StringField(FIELDS["nature"].label, validators=[Optional(), Length(max=20)])
    content = TextAreaField(FIELDS["content"].label, validators=[Optional(), Length(max=5000)])
    start_year = BoundedIntegerField(FIELDS["start_year"].label, validators=YEAR)
    end_year = BoundedIntegerField(FIELDS["end_year"].label, validators=YEAR)
    total_investment_wan = MoneyField(FIELDS["total_investment_wan"].label_with_unit, validators=MONEY)
    span_investment_wan = MoneyField(FIELDS["span_investment_wan"].label_with_unit, validators=MONEY)
    planned_start = MonthField(FIELDS["planned_start"].label, validators=[Optional()])
    planned_end = MonthField(FIELDS["planned_end"].label, validators=[Optional()])
    status = SelectField(FIELDS["status"].label, choices=LifecycleStatus.choices())
    project_code = StringField(
        FIELDS["project_code"].label + "（24 位）", validators=[Optional(), Length(max=40)]
    )
    note = TextAreaField(FIELDS["note"].label, validators=[Optional(), Length(max=2000)])
    annual = FieldList(MoneyField(validators=MONEY))
    # Changing content, investment, years or 调出 after the plan's baseline is a plan adjustment.
    adjust_reason = TextAreaField("调整原因", validators=[Optional(), Length(max=2000)])
    adjust_doc_number = StringField("调整文号", validators=[Optional(), Length(max=100)])

    def fill(self, project) -> None:
        """Prefill from the project; the annual plan gets one entry per year of the plan."""
        if not self.is_submitted():
            self.process(obj=project, status=project.status.value)
            amounts = {row.year: row.amount_wan for row in project.annual_plans}
            for _ in project.plan.years:
                self.annual.append_entry()
            for entry, year in zip(self.annual.entries, project.plan.years, strict=True):
                entry.data = amounts.get(year)
        for entry, year in zip(self.annual.entries, project.plan.years, strict=False):
            entry.label.text = f"{year}年计划投资"

    def to_edit(self, years: list[int]) -> ProjectEdit:
        values = {name: getattr(self, name).data for name in EDITABLE_FIELDS}
        values["status"] = LifecycleStatus(self.status.data)
        values["annual"] = dict(zip(years, (e.data for e in self.annual.entries), strict=False))
        return ProjectEdit(**values)


class MilestoneRowForm(FlaskForm):
    class Meta:
        csrf = False  # the enclosing form carries the token

    id = HiddenField()
    kind = SelectField("节点", choices=MilestoneKind.choices())
    title = StringField("说明", validators=[Optional(), Length(max=200)])
    planned_date = DateField("计划日期", validators=[Optional()])
    remove = BooleanField("删除")


class MilestonesForm(FlaskForm):
    version = HiddenField(validators=[InputRequired()])
    rows = FieldList(FormField(MilestoneRowForm))

    def fill(self, project, blank_rows: int = 2) -> None:
        if self.is_submitted():
            return
        self.version.data = project.version
        for m in project.milestones:
            self.rows.append_entry(
                {"id": m.id, "kind": m.kind.value, "title": m.title, "planned_date": m.planned_date}
            )
        for _ in range(blank_rows):
            self.rows.append_entry()

    def to_rows(self) -> list[MilestoneEdit]:
        return [
            MilestoneEdit(
                id=parse_int(r.id.data),
                kind=MilestoneKind(r.kind.data),
                title=(r.title.data or "").strip() or None,
                planned_date=r.planned_date.data,
                remove=bool(r.remove.data),
            )
            for r in (entry.form for entry in self.rows.entries)
        ]


class _WordedDate(DateField):
    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as bad:
            raise ValueError("日期格式应为“年-月-日”，如 2020-12-31。") from bad


class PreTrackingForm(FlaskForm):
    """纳入系统前已完成投资 and its as-of date; an empty amount clears it."""

    amount_wan = MoneyField(
        FIELDS["pre_tracking_invested_wan"].label_with_unit,
        validators=[Optional(), NumberRange(min=0, message="不能为负数。")],
    )
    as_of = _WordedDate("截至日期", validators=[Optional()])
