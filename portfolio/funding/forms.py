"""Forms for funding: a plan's source list, a project's breakdown, and amount rows the report form reuses."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, FieldList, FormField, HiddenField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from portfolio.funding.services import SourceEdit
from portfolio.number_fields import MoneyField
from portfolio.numbers import parse_int

MONEY = [Optional(), NumberRange(min=0, message="金额不能为负数。")]


def _id(raw) -> int | None:
    raw = str(raw or "")
    return parse_int(raw)


class AmountRowForm(FlaskForm):
    class Meta:
        csrf = False  # the enclosing form carries the token

    source_id = HiddenField()
    amount = MoneyField(validators=MONEY)


def fill_amount_rows(rows: FieldList, sources, amounts: dict, submitted: bool) -> None:
    """One row per source of the plan, in the list's order, prefilled on first display; labels always."""
    if not submitted and not rows.entries:
        for s in sources:
            rows.append_entry({"source_id": s.id, "amount": amounts.get(s.id)})
    names = {str(s.id): s.name for s in sources}
    for entry in rows.entries:
        entry.form.amount.label.text = names.get(str(entry.form.source_id.data), "资金来源")


def read_amount_rows(rows: FieldList) -> dict[int, object]:
    """source id → the amount typed (None when blank)."""
    found = {}
    for entry in rows.entries:
        source_id = _id(entry.form.source_id.data)
        if source_id is not None:
            found[source_id] = entry.form.amount.data
    return found


class AmountsForm(FlaskForm):
    """One amount (万元) per source of the plan, in the list's order."""

    rows = FieldList(FormField(AmountRowForm))

    def fill(self, sources, amounts: dict) -> None:
        fill_amount_rows(self.rows, sources, amounts, self.is_submitted())

    def amounts(self) -> dict[int, object]:
        return read_amount_rows(self.rows)


class ProjectFundingForm(AmountsForm):
    version = HiddenField(validators=[InputRequired()])
    note = TextAreaField("资金来源说明", validators=[Optional(), Length(max=2000)])


class SourceRowForm(FlaskForm):
    class Meta:
        csrf = False

    id = HiddenField()
    name = StringField("名称", validators=[Optional(), Length(max=50, message="名称不能超过 50 个字。")])
    aliases = StringField("别名（用顿号分隔）", validators=[Optional(), Length(max=500)])
    remove = BooleanField("删除")


class SourcesForm(FlaskForm):
    rows = FieldList(FormField(SourceRowForm))

    def fill(self, sources, blank_rows: int = 2) -> None:
        if self.is_submitted():
            return
        for s in sources:
            self.rows.append_entry({"id": s.id, "name": s.name, "aliases": "、".join(s.aliases or [])})
        for _ in range(blank_rows):
            self.rows.append_entry()

    def to_rows(self) -> list[SourceEdit]:
        rows = []
        for entry in self.rows.entries:
            f = entry.form
            aliases = [
                a.strip() for a in (f.aliases.data or "").replace(",", "、").replace("，", "、").split("、")
            ]
            rows.append(
                SourceEdit(
                    _id(f.id.data),
                    (f.name.data or "").strip(),
                    [a for a in aliases if a],
                    bool(f.remove.data),
                )
            )
        return rows
