"""The form of the notification pages: a CSRF-protected button naming the notification it opens."""

from flask_wtf import FlaskForm
from wtforms.validators import Optional

from portfolio.number_fields import BoundedIntegerField


class OpenForm(FlaskForm):
    notification_id = BoundedIntegerField(validators=[Optional()])
