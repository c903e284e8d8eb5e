"""The form of the notification pages: a CSRF-protected button naming the notification it opens."""

from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import Optional


class OpenForm(FlaskForm):
    notification_id = IntegerField(validators=[Optional()])
