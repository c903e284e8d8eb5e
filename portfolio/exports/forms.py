"""Forms of the export page: uploading a filled-in template, and confirming it after the preview."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SubmitField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import HiddenInput

from portfolio.number_fields import BoundedIntegerField, IdSelectField


class TemplateUploadForm(FlaskForm):
    period_id = IdSelectField("填报期间", validate_choice=False)
    file = FileField("填好的填报模板（.xlsx）", validators=[FileRequired("请选择填好的模板文件。")])
    submit = SubmitField("上传并预览")


class TemplateConfirmForm(FlaskForm):
    period_id = BoundedIntegerField(widget=HiddenInput(), validators=[DataRequired()])
    token = HiddenField(validators=[DataRequired(), Length(max=64)])
    submit = SubmitField("确认报送")
