"""Text bound for a spreadsheet cell: never a formula, never a character the file format forbids.

Spreadsheet programs treat a cell typed as = + - @ (and, in some, their full-width forms, a leading tab
or carriage return) as the start of a formula. Exported user text is always written as a string cell,
and cells that look like formulas also carry Excel's quote prefix, so editing them keeps them text.
"""

import re

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")

# XML 1.0 forbids these control characters; they would corrupt the workbook.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

# Excel's limit for one cell.
MAX_CELL_CHARS = 32767


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_PREFIXES)


def has_illegal(text: str) -> bool:
    return _ILLEGAL.search(text) is not None


def clean_text(value) -> str:
    """The text as it may go into a cell: illegal characters removed, cut to Excel's cell limit."""
    text = _ILLEGAL.sub("", str(value))
    return text[:MAX_CELL_CHARS]
