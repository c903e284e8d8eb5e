"""Accounts carry the e-mail address notifications go to, and a new account starts least privileged."""

from sqlalchemy import select

from portfolio.auth.models import User
from portfolio.db import session


def test_new_account_form_starts_with_the_least_privileged_role(role_client, users):
    page = role_client("admin").get("/users/new").get_data(as_text=True)
    select_html = page[page.index('name="role"') :].split("</select>")[0]
    first = select_html.split("<option", 2)[1]
    assert 'value="county_officer"' in first  # what the browser shows when nothing is selected
    assert "selected" not in select_html.split(first, 1)[1]


def test_admin_sets_an_email_and_a_bad_one_is_explained(role_client, users):
    admin = role_client("admin")
    form = {
        "username": "zhang",
        "display_name": "张三",
        "role": "county_officer",
        "county": "温县",
        "unit": "",
        "email": "不是邮箱",
        "password": "Secret#2026x",
        "confirm": "Secret#2026x",
    }
    refused = admin.post("/users/new", data=form)
    assert "请输入有效的电子邮箱" in refused.get_data(as_text=True)
    assert session.scalar(select(User).where(User.username == "zhang")) is None
    admin.post("/users/new", data=form | {"email": "zhang@wenxian.example"})
    assert session.scalar(select(User.email).where(User.username == "zhang")) == "zhang@wenxian.example"
