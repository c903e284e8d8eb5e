"""The WTForms fields for numbers and ids: every numeric field of every form is one of these.

Each parses with `portfolio.numbers`, so Infinity, NaN, sNaN, 1e308, negatives and out-of-range values come
back as a Chinese message on the field instead of reaching the database (tests/test_numbers.py walks them).
"""

import re
from decimal import ROUND_HALF_UP, Decimal

from wtforms import DecimalField, IntegerField, SelectField
from wtforms.validators import StopValidation, ValidationError

from portfolio.numbers import (
    INT_MAX,
    PERCENT_MAX,
    NumberProblem,
    check_money,
    check_range,
    input_wan,
    parse_decimal,
    parse_int,
    parse_percent,
)


class _CheckedNumber:
    """Parse in process_formdata; a problem stops the validator chain with its one message."""

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()
        super().pre_validate(form)

    def _what(self, fallback: str) -> str:
        """The field's label without its unit, for the message: 总投资（万元） → 总投资."""
        text = re.split(r"[（(]", str(self.label.text or ""))[0].strip()
        return text if re.search(r"[\u4e00-\u9fff]", text) else fallback

    def _quantized(self, value):
        if value is None or self.places is None:
            return value
        return value.quantize(Decimal(10) ** -self.places, rounding=ROUND_HALF_UP)


class MoneyField(_CheckedNumber, DecimalField):
    """An amount in 万元: 0 up to MONEY_MAX_WAN, four places."""

    def __init__(self, label=None, validators=None, places=4, **kwargs):
        super().__init__(label, validators, places=places, **kwargs)

    def _value(self):
        """The input shows the typed text back after an error, else the exact amount (1500, not 1500.0000)."""
        if self.raw_data:
            return self.raw_data[0]
        return input_wan(self.data)

    def process_formdata(self, valuelist):
        if valuelist:
            self.data = None
            try:
                self.data = self._quantized(check_money(valuelist[0], self._what("金额")))
            except NumberProblem as bad:
                raise ValueError(bad.message) from bad


class PercentField(_CheckedNumber, DecimalField):
    """A percentage from 0 to 100; "35%" reads as 35."""

    def __init__(self, label=None, validators=None, places=2, **kwargs):
        super().__init__(label, validators, places=places, **kwargs)

    def process_formdata(self, valuelist):
        if valuelist:
            self.data = None
            try:
                self.data = self._quantized(parse_percent(valuelist[0], self._what("数值")))
            except NumberProblem as bad:
                raise ValueError(bad.message) from bad


class BoundedIntegerField(_CheckedNumber, IntegerField):
    """A whole number within [low, high] (by default 0 to INT_MAX), with a Chinese message."""

    places = None

    def __init__(self, label=None, validators=None, low: int = 0, high: int = INT_MAX, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.low, self.high = low, high

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        self.data = None
        try:
            value = parse_decimal(valuelist[0])
        except NumberProblem as bad:
            raise ValueError("应填写整数。") from bad
        if value is None:
            return
        if value != value.to_integral_value():
            raise ValueError("应填写整数。")
        try:
            check_range(value, Decimal(self.low), Decimal(self.high), "数值")
        except NumberProblem as bad:
            raise ValueError(bad.message) from bad
        self.data = int(value)


class IdSelectField(SelectField):
    """A choice of a row by id: a value that is no id, or no offered choice, gets a Chinese message."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("coerce", _id)
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist):
        if valuelist:
            self.data = parse_int(valuelist[0])
            if self.data is None and valuelist[0].strip():
                raise ValueError("请从列表中选择。")

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()
        if self.validate_choice and self.data is not None:
            if self.data not in {value for value, *_ in self.iter_choices()}:
                raise ValidationError("请从列表中选择。")


def _id(value):
    if value is None or isinstance(value, int):
        return value
    number = parse_int(str(value))
    if number is None:
        raise ValueError("请从列表中选择。")
    return number


__all__ = ["PERCENT_MAX", "BoundedIntegerField", "IdSelectField", "MoneyField", "PercentField"]
