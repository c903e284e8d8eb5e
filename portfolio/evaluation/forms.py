from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from portfolio.evaluation.models import ProjectClass
from portfolio.number_fields import BoundedIntegerField, IdSelectField, PercentField


def _chinese(field_class, message: str):
    """A field whose parse error speaks Chinese (WTForms' own messages are English)."""

    class Field(field_class):
        def process_formdata(self, valuelist):
            try:
                super().process_formdata(valuelist)
            except ValueError as bad:
                raise ValueError(message) from bad

        def pre_validate(self, form):
            try:
                super().pre_validate(form)
            except ValidationError as bad:
                raise ValidationError(message) from bad

    return Field


ChineseDate = _chinese(DateField, "日期格式应为“年-月-日”，如 2023-12-31。")
ChineseSelect = _chinese(SelectField, "请从列表中选择。")


class RoundCreateForm(FlaskForm):
    plan_id = IdSelectField("规划", validators=[InputRequired("请选择规划。")])
    name = StringField("轮次名称", validators=[DataRequired("请填写轮次名称。"), Length(max=100)])
    as_of = ChineseDate("评估截止日", validators=[InputRequired("请填写评估截止日。")])


class RoundActionForm(FlaskForm):
    """Refresh or finalize: carries the round's version for the optimistic lock."""

    version = BoundedIntegerField(validators=[Optional()])


class RoundReopenForm(FlaskForm):
    version = BoundedIntegerField(validators=[Optional()])
    reason = TextAreaField(
        "重新开启理由", validators=[DataRequired("请填写重新开启的理由。"), Length(max=1000)]
    )


class AssessmentEditForm(FlaskForm):
    final_class = ChineseSelect("评估分类", choices=ProjectClass.choices())
    override_reason = TextAreaField("调整理由（与系统计算不同时必填）", validators=[Length(max=2000)])
    score = PercentField(
        "评分（0—100）",
        places=1,
        validators=[Optional(), NumberRange(0, 100, "评分应在 0—100 之间。")],
    )
    comment = TextAreaField("评审意见", validators=[Length(max=4000)])
    updated_at = HiddenField()


class IndicatorValueForm(FlaskForm):
    year = IdSelectField("年份")
    value = StringField("实际值", validators=[DataRequired("请填写实际值。"), Length(max=100)])
    source = StringField("数据来源", validators=[Length(max=200)])
    note = TextAreaField("说明", validators=[Length(max=2000)])


class IndicatorTargetForm(FlaskForm):
    target = StringField("省下达目标值", validators=[DataRequired("请填写目标值。"), Length(max=40)])
    direction = ChineseSelect(
        "目标方向",
        choices=[
            ("", "请选择"),
            ("at_most", "不高于（≤，如用水总量上限）"),
            ("at_least", "不低于（≥，如降低率、比例）"),
        ],
        validators=[Optional()],
    )


class IndicatorVerdictForm(FlaskForm):
    """A reviewer's verdict on a qualitative indicator; the service checks the choice for the round."""

    verdict = StringField("评审结论", validators=[Length(max=24)])
    reason = TextAreaField("理由", validators=[Length(max=4000)])
