"""Forms of the 督办 pages; each turns itself into the services' plain data."""

from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import DateField, HiddenField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from portfolio.numbers import parse_int
from portfolio.reporting.forms import ChineseMeta
from portfolio.supervision.services import TEXT_LIMIT, AnswerInput, ItemInput


class SupervisionForm(FlaskForm):
    class Meta(ChineseMeta):
        pass

    version = HiddenField()

    def version_number(self) -> int | None:
        raw = (self.version.data or "").strip()
        return parse_int(raw)


def _optional_id(value):
    return parse_int(str(value)) if value is not None else None


class ItemIssueForm(SupervisionForm):
    unit_id = SelectField("责任单位", coerce=_optional_id, validate_choice=False)
    county_id = SelectField("责任县区", coerce=_optional_id, validate_choice=False)
    problem = TextAreaField(
        "存在问题", validators=[InputRequired("请填写存在问题。"), Length(max=TEXT_LIMIT)]
    )
    measures_required = TextAreaField(
        "整改措施要求", validators=[InputRequired("请填写整改措施要求。"), Length(max=TEXT_LIMIT)]
    )
    deadline = DateField("办理期限", validators=[InputRequired("请填写办理期限。")])

    def fill_choices(self, choices: dict) -> None:
        self.unit_id.choices = [("", "（不指定）")] + [(u.id, u.name) for u in choices["units"]]
        self.county_id.choices = [("", "（不指定）")] + [(c.id, c.name) for c in choices["counties"]]

    def to_input(self) -> ItemInput:
        return ItemInput(
            self.unit_id.data,
            self.county_id.data,
            self.problem.data,
            self.measures_required.data,
            self.deadline.data,
        )


class ItemAnswerForm(SupervisionForm):
    measures_taken = TextAreaField(
        "已采取的措施", validators=[InputRequired("请填写已采取的措施。"), Length(max=TEXT_LIMIT)]
    )
    progress = TextAreaField(
        "整改进展", validators=[InputRequired("请填写整改进展。"), Length(max=TEXT_LIMIT)]
    )
    files = MultipleFileField("附件（JPG、PNG 或 PDF，可多选）", validators=[Optional()])

    def to_input(self) -> AnswerInput:
        uploads = [f for f in (self.files.data or []) if getattr(f, "filename", "")]
        return AnswerInput(
            self.measures_taken.data, self.progress.data, [(f.filename, f.read()) for f in uploads]
        )


class ItemDecisionForm(SupervisionForm):
    """Close (the note is optional), send back (a reason is required) or escalate (a note is required)."""

    note = TextAreaField("意见", validators=[Optional(), Length(max=TEXT_LIMIT)])
