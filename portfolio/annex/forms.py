"""Forms of the annex pages: the upload, and the confirm that names only the staged file's sha256."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from portfolio.number_fields import IdSelectField


class AnnexUploadForm(FlaskForm):
    plan_id = IdSelectField("导入到规划")
    file = FileField("附件文件（.xlsx）", validators=[FileRequired("请选择要导入的附件文件。")])


class AnnexConfirmForm(FlaskForm):
    sha256 = HiddenField(validators=[Regexp(r"^[0-9a-f]{64}$", message="预览已失效，请重新上传附件。")])
    plan_id = HiddenField(validators=[DataRequired("预览已失效，请重新上传附件。")])
    fingerprint = HiddenField(validators=[DataRequired("预览已失效，请重新上传附件。")])
    # A re-import changing the plan's projects is a plan adjustment (规划调整): why, on whose authority.
    adjust_reason = TextAreaField("调整原因", validators=[Optional(), Length(max=2000)])
    adjust_doc_number = StringField("调整文号", validators=[Optional(), Length(max=100)])
