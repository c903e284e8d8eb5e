"""The annex preview names problems in Chinese; every code the importer raises has a name."""

import re
from pathlib import Path

from portfolio.annex.codes import CODE_LABELS, code_label

ANNEX = Path(__file__).resolve().parents[2] / "portfolio" / "annex"
RAISED = re.compile(r'(?:ERROR|WARNING),\s*"([a-z0-9-]+)"')


def test_every_raised_code_has_a_chinese_name():
    raised = {code for path in ANNEX.glob("*.py") for code in RAISED.findall(path.read_text())}
    assert raised and sorted(raised - CODE_LABELS.keys()) == []


def test_an_unknown_code_never_reaches_the_page():
    assert code_label("annual-sum-mismatch") == "分年度投资之和不符"
    assert code_label("something-new") == "其他问题"
