"""The layout editor's form: the sheet's settings and one row per column (blank rows add columns)."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from portfolio.definitions import list_definitions
from portfolio.layouts.catalogue import STYLE_LABELS
from portfolio.layouts.spec import (
    GROUPINGS,
    ORIENTATIONS,
    PAPERS,
    SORTS,
    STATUS_LABELS,
    WARNING_LABELS,
    LayoutColumn,
    LayoutFilters,
    LayoutSpec,
)
from portfolio.number_fields import BoundedIntegerField, IdSelectField
from portfolio.reporting.forms import ChineseMeta

BLANK_ROWS = 3
NEW_ROWS = 8


def _tokens(text: str | None) -> list[str]:
    return [t.strip() for t in (text or "").replace("，", ",").split(",") if t.strip()]


def _is_number(token: str) -> bool:
    return token.isascii() and token.isdigit()  # not ² or full-width digits, which int() refuses or reads


class Checkboxes(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):
        # WTForms' own message for this has no Chinese translation.
        if self.validate_choice and self.data:
            known = {str(value) for value, _ in self.choices}
            unknown = [str(v) for v in self.data if str(v) not in known]
            if unknown:
                raise ValidationError(f"“{'、'.join(unknown)}”不在可选范围内，请从列表中勾选。")


class LayoutsForm(FlaskForm):
    """WTForms' own messages (too long, not a valid choice) in Chinese."""

    class Meta(ChineseMeta):
        pass


class ColumnRowForm(LayoutsForm):
    class Meta(ChineseMeta):
        csrf = False  # the enclosing form carries the token

    position = BoundedIntegerField("顺序", validators=[Optional()], low=0, high=999)
    key = SelectField("字段", validate_choice=False)
    header = StringField("表头", validators=[Optional(), Length(max=200)])
    width = BoundedIntegerField("列宽", validators=[Optional()], low=2, high=100)
    style = SelectField("格式", choices=list(STYLE_LABELS.items()), validate_choice=False)
    group = StringField("合并表头", validators=[Optional(), Length(max=200)])
    input = BooleanField("填报")  # asked for on the layout's fill-in template
    remove = BooleanField("删除")


class LayoutForm(LayoutsForm):
    version = HiddenField()
    name = StringField("版式名称", validators=[Length(max=100)])
    title = StringField("表格标题", validators=[Length(max=200)])
    grouping = SelectField("分组（小计）", choices=list(GROUPINGS.items()), validate_choice=False)
    sort = SelectField("排序", choices=list(SORTS.items()), validate_choice=False)
    paper = SelectField("纸张", choices=[(k, k) for k in PAPERS], validate_choice=False)
    orientation = SelectField("方向", choices=list(ORIENTATIONS.items()), validate_choice=False)
    heading = BooleanField("表头上方写填报单位和日期")
    unit_note = StringField("日期后的单位说明", validators=[Length(max=200)])
    signature = BooleanField("表尾写审核人、填报人")
    notes = BooleanField("表尾附口径说明")
    note_keys = Checkboxes(
        "口径说明的条目（所列数字的口径总会列出；不选：另加进度数字的口径）",
        choices=[],
        validate_choice=False,
    )
    no_counts = BooleanField("口径说明前不写本期报告数")
    no_totals = BooleanField("不写合计行")
    sheet_name = StringField("工作表名称（不填：用版式名称）", validators=[Length(max=31)])
    status = Checkboxes("项目状态（不选：除调出外全部）", choices=list(STATUS_LABELS.items()))
    warning = Checkboxes("预警等级（不选：全部）", choices=list(WARNING_LABELS.items()))
    supervised = BooleanField("也列入有未办结督办事项的项目（不论预警等级）")
    category = StringField("类别序号（用逗号分隔，不填：全部）", validators=[Optional(), Length(max=100)])
    county = Checkboxes("县区（不选：全部）", choices=[])
    columns = FieldList(FormField(ColumnRowForm))
    preview_period = IdSelectField("预览期间", validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.note_keys.choices = [(d.key, d.name) for d in list_definitions()]

    def validate_category(self, field):
        wrong = [t for t in _tokens(field.data) if not _is_number(t)]
        if wrong:
            raise ValidationError(f"类别序号应为数字，用逗号分隔：“{'、'.join(wrong)}”不是。")

    def fill(self, name: str, spec: LayoutSpec) -> None:
        """Show a stored layout, followed by blank rows for new columns."""
        self.name.data, self.title.data = name, spec.title
        for attr in (
            "grouping",
            "sort",
            "paper",
            "orientation",
            "heading",
            "unit_note",
            "signature",
            "notes",
            "note_keys",
            "sheet_name",
        ):
            getattr(self, attr).data = getattr(spec, attr)
        self.no_counts.data, self.no_totals.data = not spec.report_counts, not spec.totals
        # The chosen definitions first, in their order: the page posts them back in the order it lists them.
        chosen = {k: n for n, k in enumerate(spec.note_keys)}
        self.note_keys.choices = sorted(self.note_keys.choices, key=lambda c: chosen.get(c[0], len(chosen)))
        self.supervised.data = spec.filters.supervised
        self.status.data, self.warning.data = spec.filters.status, spec.filters.warning
        self.county.data = spec.filters.county
        self.category.data = ",".join(str(n) for n in spec.filters.category)
        for n, c in enumerate(spec.columns, start=1):
            self.columns.append_entry(
                {"position": n, "key": c.key, "header": c.header, "width": int(c.width), "style": c.style}
                | {"group": c.group, "input": c.input}
            )

    def set_choices(self, choices: list[tuple[str, str]]) -> None:
        for entry in self.columns.entries:
            entry.form.key.choices = choices

    def add_blank_rows(self, choices: list[tuple[str, str]]) -> None:
        """Blank rows to add columns with (more on a new layout), unless the form already has some."""
        blank = sum(1 for e in self.columns.entries if not (e.form.key.data or "").strip())
        wanted = BLANK_ROWS if len(self.columns.entries) > blank else NEW_ROWS
        for _ in range(max(wanted - blank, 0)):
            self.columns.append_entry(
                {"position": len(self.columns.entries) + 1, "width": 12, "style": "money"}
            )
        self.set_choices(choices)

    def spec(self, labels: dict[str, str]) -> LayoutSpec:
        """The layout the form describes: removed and blank rows left out, the rest in their order."""
        rows = []
        for index, entry in enumerate(self.columns.entries):
            f = entry.form
            if f.remove.data or not (f.key.data or "").strip():
                continue
            header = (f.header.data or "").strip() or labels.get(f.key.data, "")
            column = LayoutColumn(f.key.data, header, f.width.data or 12, f.style.data or "text")
            column.group = (f.group.data or "").strip()
            column.input = bool(f.input.data)
            rows.append((f.position.data if f.position.data is not None else 1000 + index, index, column))
        categories = [int(t) for t in _tokens(self.category.data) if _is_number(t)]
        return LayoutSpec(
            title=(self.title.data or "").strip(),
            columns=[c for _, _, c in sorted(rows, key=lambda r: r[:2])],
            grouping=self.grouping.data,
            sort=self.sort.data,
            filters=LayoutFilters(
                self.status.data or [],
                self.warning.data or [],
                categories[:20],
                self.county.data or [],
                bool(self.supervised.data),
            ),
            paper=self.paper.data,
            orientation=self.orientation.data,
            heading=bool(self.heading.data),
            signature=bool(self.signature.data),
            unit_note=(self.unit_note.data or "").strip(),
            notes=bool(self.notes.data),
            note_keys=list(self.note_keys.data or []),
            report_counts=not self.no_counts.data,
            totals=not self.no_totals.data,
            sheet_name=(self.sheet_name.data or "").strip(),
        )


class LayoutImportForm(LayoutsForm):
    file = FileField("版式文件（.json）", validators=[FileRequired("请选择版式文件。")])
    name = StringField("新版式名称（不填：用文件里的名称）", validators=[Optional(), Length(max=100)])


class DeleteForm(LayoutsForm):
    pass
