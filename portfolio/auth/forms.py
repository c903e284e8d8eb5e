from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import AnyOf, DataRequired, EqualTo, Length, Optional, Regexp

from portfolio.auth.models import Role
from portfolio.auth.passwords import MIN_LENGTH
from portfolio.auth.services import AccountData

_NO_SCOPE = ("", "（不限）")
# Least privilege first: a new account starts as a county officer unless the admin chooses more.
ROLE_CHOICES = [(r.value, r.label) for r in (Role.COUNTY_OFFICER, Role.REVIEWER, Role.PLANNER, Role.ADMIN)]


class LoginForm(FlaskForm):
    username = StringField("用户名", validators=[DataRequired("请输入用户名。"), Length(max=64)])
    password = PasswordField("密码", validators=[DataRequired("请输入密码。"), Length(max=128)])
    remember = BooleanField("保持登录")


def _new_password_fields(label: str = "新密码"):
    password = PasswordField(
        label,
        validators=[DataRequired("请输入新密码。"), Length(max=128, message="密码过长。")],
        description=f"至少 {MIN_LENGTH} 位，须同时包含字母和数字。",
    )
    confirm = PasswordField(
        f"确认{label}",
        validators=[DataRequired("请再次输入新密码。"), EqualTo("password", "两次输入的密码不一致。")],
    )
    return password, confirm


class _AccountFields(FlaskForm):
    """Name, role and scope: what an admin sets when creating or editing an account."""

    display_name = StringField("姓名", validators=[DataRequired("请输入姓名。"), Length(max=100)])
    email = StringField(
        "电子邮箱",
        validators=[
            Optional(),
            Length(max=200, message="电子邮箱最长 200 个字符。"),
            Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message="请输入有效的电子邮箱，如 name@example.gov.cn。"),
        ],
        description="配置了邮件服务器时，催报和审核通知同时发到此邮箱。",
    )
    # Choices are checked by the validators and the service, each with a Chinese message.
    role = SelectField(
        "角色",
        choices=ROLE_CHOICES,
        validate_choice=False,
        validators=[DataRequired("请选择角色。"), AnyOf([r.value for r in Role], "请选择有效的角色。")],
    )
    county = SelectField("所属县区", choices=[_NO_SCOPE], validate_choice=False)
    unit = SelectField("责任单位", choices=[_NO_SCOPE], validate_choice=False)

    def set_scope_choices(self, locations, units) -> None:
        self.county.choices = [_NO_SCOPE] + [(loc.name, loc.name) for loc in locations]
        self.unit.choices = [_NO_SCOPE] + [(u.name, u.name) for u in units]

    def account_data(self, username: str) -> AccountData:
        return AccountData(
            username=username,
            display_name=self.display_name.data.strip(),
            role=Role(self.role.data),
            county=self.county.data or None,
            unit=self.unit.data or None,
            email=(self.email.data or "").strip() or None,
        )


class AccountEditForm(_AccountFields):
    # The account's state when the form was opened: a stale save is refused.
    marker = HiddenField(validators=[DataRequired("表单已失效，请刷新页面后重新提交。")])


class AccountCreateForm(_AccountFields):
    username = StringField(
        "用户名",
        validators=[
            DataRequired("请输入用户名。"),
            Length(max=64, message="用户名最长 64 个字符。"),
            Regexp(r"^[A-Za-z0-9_.-]+$", message="用户名只能包含字母、数字、点、下划线和连字符。"),
        ],
    )
    password, confirm = _new_password_fields("初始密码")


class PasswordResetForm(FlaskForm):
    password, confirm = _new_password_fields()


class SessionsEndForm(FlaskForm):
    """ "Sign out the others": a button with its CSRF token."""


class LockLiftForm(FlaskForm):
    """Lift one name+address pair's login throttle."""

    username = HiddenField(validators=[DataRequired(), Length(max=64)])
    ip = HiddenField(validators=[DataRequired(), Length(max=45)])


class PasswordChangeForm(FlaskForm):
    current = PasswordField("当前密码", validators=[DataRequired("请输入当前密码。"), Length(max=128)])
    password, confirm = _new_password_fields()


class AccountActiveForm(FlaskForm):
    """Enable (1) or disable (0): the intended state, so a repeated click cannot flip it back."""

    active = HiddenField(validators=[Regexp(r"^[01]$", message="无效的操作。")])
