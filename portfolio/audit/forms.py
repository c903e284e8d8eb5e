from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Optional, Regexp

from portfolio.audit.display import action_label, entity_label
from portfolio.audit.queries import AuditFilters
from portfolio.numbers import parse_int

_ALL = ("", "全部")


class _DateField(DateField):
    """A date field whose parse error speaks Chinese."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as bad:
            raise ValueError("日期格式应为“年-月-日”，如 2024-03-01。") from bad


class AuditFilterForm(FlaskForm):
    """The filters of the audit log page: a GET form, so no CSRF token; bad values are ignored."""

    class Meta:
        csrf = False

    user = SelectField("操作人", choices=[_ALL], validate_choice=False)
    action = SelectField("操作", choices=[_ALL], validate_choice=False)
    entity_type = SelectField("对象类型", choices=[_ALL], validate_choice=False)
    entity_id = StringField("对象编号", validators=[Regexp(r"^\d{0,9}$", message="对象编号应为整数。")])
    date_from = _DateField("起始日期", validators=[Optional()])
    date_to = _DateField("截止日期", validators=[Optional()])

    def set_choices(self, users, actions, entity_types) -> None:
        self.user.choices = [_ALL] + [(str(u.id), f"{u.display_name}（{u.username}）") for u in users]
        self.action.choices = [_ALL] + [(a, action_label(a)) for a in actions]
        self.entity_type.choices = [_ALL] + [(t, entity_label(t)) for t in entity_types]

    def filters(self) -> AuditFilters:
        """The valid filters; a field that failed validation filters nothing."""
        ok = {name: not field.errors for name, field in self._fields.items()}
        user, entity_id = self.user.data or "", self.entity_id.data or ""
        return AuditFilters(
            user_id=parse_int(user),
            action=self.action.data or None,
            entity_type=self.entity_type.data or None,
            entity_id=int(entity_id) if ok["entity_id"] and entity_id else None,
            date_from=self.date_from.data if ok["date_from"] else None,
            date_to=self.date_to.data if ok["date_to"] else None,
        )
