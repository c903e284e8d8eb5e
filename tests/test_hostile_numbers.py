"""Hostile numbers: every numeric field of every form, and every page over a stored bad number.

The walk finds the forms by itself (every wtforms Form subclass in portfolio/*/forms.py), so a new
numeric field joins it without editing this file; the meta-test fails when a numeric field is not one
of the checked fields of portfolio.number_fields.
"""

import importlib
import pkgutil
import re
from decimal import Decimal

import pytest
from flask import Flask
from werkzeug.datastructures import MultiDict
from wtforms import DecimalField, FieldList, FloatField, Form, FormField, IntegerField, SelectField

import portfolio
from portfolio.number_fields import BoundedIntegerField, IdSelectField, MoneyField, PercentField
from portfolio.numbers import MONEY_MAX_WAN, NumberProblem, check_money, parse_percent

HOSTILE = [
    "Infinity",
    "-Infinity",
    "inf",
    "NaN",
    "sNaN",
    "-sNaN",
    "1e308",
    "1e30",
    "1E+999999999",
    "-1",
    "-0.01",
    "9" * 25,
    "abc",
    "0x1F",
    "1,000,000,000,000",
    "Ｉｎｆｉｎｉｔｙ",
    "1e-400",
    "12" * 30,
]
CJK = re.compile(r"[\u4e00-\u9fff]")
CHECKED = (MoneyField, PercentField, BoundedIntegerField, IdSelectField)


def _form_classes() -> list[type]:
    for module in pkgutil.walk_packages(portfolio.__path__, "portfolio."):
        if module.name.endswith(".forms"):
            importlib.import_module(module.name)
    found, stack = [], list(Form.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith("portfolio.") and cls.__module__.endswith(".forms"):
            found.append(cls)
    return sorted(set(found), key=lambda c: (c.__module__, c.__name__))


def _is_numeric(field_class) -> bool:
    if issubclass(field_class, DecimalField | FloatField | IntegerField | IdSelectField):
        return True
    return False


def _numeric_paths(form_class, app) -> list[tuple[str, type]]:
    """(form data name, field class) of every numeric field, looking into FieldLists and FormFields."""
    with app.test_request_context():
        form = form_class(formdata=None, meta={"csrf": False})
        return list(_walk_fields(form))


def _walk_fields(form, prefix=""):
    for name, field in form._fields.items():
        if isinstance(field, FieldList):
            inner = field.unbound_field
            if issubclass(inner.field_class, FormField):
                sub = inner.args[0](formdata=None, meta={"csrf": False})
                yield from _walk_fields(sub, f"{prefix}{name}-0-")
            elif _is_numeric(inner.field_class):
                yield f"{prefix}{name}-0", inner.field_class
        elif isinstance(field, FormField):
            yield from _walk_fields(field.form, f"{prefix}{name}-")
        elif _is_numeric(type(field)) or (isinstance(field, SelectField) and field.coerce is int):
            yield f"{prefix}{name}", type(field)


_APP = Flask(__name__)
_APP.config.update(SECRET_KEY="walk", WTF_CSRF_ENABLED=False)
FORMS = _form_classes()
FIELDS = [(cls, path, kind) for cls in FORMS for path, kind in _numeric_paths(cls, _APP)]


def test_the_walk_finds_the_numeric_fields_the_issue_names():
    names = {(cls.__name__, path) for cls, path, _ in FIELDS}
    for expected in [
        ("ReportForm", "invested_wan"),
        ("ReportForm", "percent_complete"),
        ("ProjectEditForm", "total_investment_wan"),
        ("ProjectEditForm", "annual-0"),
        ("ThresholdsForm", "not_started_months"),
        ("AssessmentEditForm", "score"),
    ]:
        assert expected in names
    assert len(FIELDS) >= 15


@pytest.mark.parametrize("form_class,path,kind", FIELDS, ids=[f"{c.__name__}.{p}" for c, p, _ in FIELDS])
def test_every_numeric_field_is_a_checked_field(form_class, path, kind):
    assert issubclass(kind, CHECKED), f"{form_class.__name__}.{path} is a bare {kind.__name__}"


def _validate(form_class, path: str, raw: str):
    with _APP.test_request_context(method="POST"):
        form = form_class(formdata=MultiDict({path: raw}), meta={"csrf": False})
        for field in _all_fields(form):
            if isinstance(field, SelectField) and field.choices is None:
                field.choices = []
        form.validate()
        return form, _find(form, path)


def _all_fields(form):
    for field in form:
        if isinstance(field, FieldList):
            for entry in field.entries:
                yield from _all_fields(entry.form) if isinstance(entry, FormField) else [entry]
        elif isinstance(field, FormField):
            yield from _all_fields(field.form)
        else:
            yield field


def _find(form, path: str):
    return next(f for f in _all_fields(form) if f.name == path)


CASES = [(cls, path, raw) for cls, path, _ in FIELDS for raw in HOSTILE]


@pytest.mark.parametrize(
    "form_class,path,raw", CASES, ids=[f"{c.__name__}.{p}={r[:12]}" for c, p, r in CASES]
)
def test_hostile_value_is_refused_with_a_chinese_message_or_read_sanely(form_class, path, raw):
    _form, field = _validate(form_class, path, raw)
    value = field.data
    if field.errors:
        assert all(CJK.search(str(m)) for m in field.errors), field.errors
        assert value is None or isinstance(value, int | Decimal)
        return
    # Accepted: then it is a finite, sane number (full-width digits or 1e-400 read as numbers).
    if isinstance(value, Decimal):
        assert value.is_finite() and Decimal(0) <= value <= MONEY_MAX_WAN, value
    elif value is not None:
        assert isinstance(value, int) and 0 <= value < 2**31, value


@pytest.mark.parametrize(
    "raw,expected",
    [("35%", Decimal(35)), ("35 ％", Decimal(35)), ("35", Decimal(35)), (35.5, Decimal("35.5")), ("", None)],
)
def test_percent_signs_are_read_as_percent(raw, expected):
    assert parse_percent(raw) == expected


@pytest.mark.parametrize("raw", ["101", "-1", "Infinity", "sNaN", "35%%", "1e308"])
def test_percent_out_of_range_is_refused(raw):
    with pytest.raises(NumberProblem):
        parse_percent(raw)


@pytest.mark.parametrize(
    "raw", [*HOSTILE[:13], str(MONEY_MAX_WAN + 1), Decimal("Infinity"), float("nan"), True]
)
def test_money_rule_refuses(raw):
    with pytest.raises(NumberProblem):
        check_money(raw)
