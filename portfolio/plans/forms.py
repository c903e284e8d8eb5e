"""Plan management forms: a plan's fields, a new plan's category list, a category with its sub-categories."""

import re

from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from portfolio.number_fields import BoundedIntegerField
from portfolio.numbers import parse_int
from portfolio.plans.definition import CategoryDefinition
from portfolio.plans.services import CategoryEdit, PlanFields, SubcategoryEdit

SEPARATORS = re.compile(r"[、，,；;\n]+")
YEARS = NumberRange(1990, 2100, "请填写 1990–2100 之间的年份。")


def split_names(text: str | None) -> list[str]:
    """Names typed in one box, separated by 、，,；; or new lines."""
    return [n.strip() for n in SEPARATORS.split(text or "") if n.strip()]


class PlanForm(FlaskForm):
    name = StringField("规划名称", validators=[DataRequired("请填写规划名称。"), Length(max=200)])
    short_name = StringField("简称", validators=[DataRequired("请填写简称，如 十五五。"), Length(max=20)])
    doc_number = StringField("文号", validators=[Optional(), Length(max=100)])
    start_year = BoundedIntegerField("起始年", validators=[DataRequired("请填写起始年。"), YEARS])
    end_year = BoundedIntegerField("结束年", validators=[DataRequired("请填写结束年。"), YEARS])

    def fields(self) -> PlanFields:
        return PlanFields(
            self.name.data.strip(),
            self.short_name.data.strip(),
            (self.doc_number.data or "").strip() or None,
            self.start_year.data,
            self.end_year.data,
        )


class PlanCreateForm(PlanForm):
    categories = TextAreaField(
        "重大工程类别",
        validators=[DataRequired("请至少填写一个类别。"), Length(max=20000)],
        description="每行一个类别；以“-”开头的行是上一类别的子类。",
    )

    def category_definitions(self) -> list[dict]:
        """The textarea as plan-file categories: a line per category, "-" lines are its sub-categories."""
        out: list[dict] = []
        for raw in (self.categories.data or "").splitlines():
            line = raw.strip()
            if not line:
                continue
            if line[0] in "-－·" and out:
                out[-1]["subcategories"].append(line.lstrip("-－· ").strip())
            else:
                out.append({"number": len(out) + 1, "name": line.lstrip("-－· "), "subcategories": []})
        return out


class CategoryForm(FlaskForm):
    name = StringField("类别名称", validators=[DataRequired("请填写类别名称。"), Length(max=100)])
    aliases = StringField(
        "别名", validators=[Optional(), Length(max=1000)], description="附件中的其他写法，用顿号分隔"
    )

    def definition(self) -> CategoryDefinition:
        return CategoryDefinition(0, self.name.data.strip(), split_names(self.aliases.data))


class CategoryEditForm(CategoryForm):
    new_subcategories = TextAreaField("新增子类", validators=[Optional(), Length(max=5000)])
    version = HiddenField()

    def edit(self, form_data) -> CategoryEdit:
        """The category, with each sub-category row (sub_id, sub_name, sub_order, sub_remove) and new ones."""
        ids, names = form_data.getlist("sub_id"), form_data.getlist("sub_name")
        orders, removed = form_data.getlist("sub_order"), set(form_data.getlist("sub_remove"))
        rows = [
            SubcategoryEdit(parse_int(i), n.strip()[:100], _order(o, k), remove=i in removed)
            for k, (i, n, o) in enumerate(zip(ids, names, orders, strict=False))
            if parse_int(i) is not None
        ]
        start = len(rows) + 1
        rows += [
            SubcategoryEdit(None, n[:100], 1000 + start + k)
            for k, n in enumerate(_lines(self.new_subcategories.data))
        ]
        definition = self.definition()
        return CategoryEdit(definition.name, definition.aliases, rows)


def _lines(text: str | None) -> list[str]:
    # Sub-category names may contain 、 (城镇污水处理厂及管网建设、改造工程): one per line only.
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _order(raw: str, fallback: int) -> int:
    raw = (raw or "").strip()
    number = parse_int(raw)
    return number if number is not None and number < 10000 else fallback + 1
