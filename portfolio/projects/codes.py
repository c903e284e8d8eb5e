"""The national investment project code (全国固定资产投资项目代码, GB/T 40058-2021).

24 digits: time code (4), region code (6), central business department code (2), project type code (2),
random code (9) and a check digit computed with the ISO 7064 / GB/T 17710 MOD 11,10 hybrid system over the
first 23. Offices often write it with hyphens or spaces between the parts; those are dropped.
"""

import re

SEPARATORS = re.compile(r"[\s\-－—_]")


def check_digit(digits: str) -> int:
    """The MOD 11,10 check digit of a string of decimal digits."""
    product = 10
    for ch in digits:
        total = (product + int(ch)) % 10 or 10
        product = (total * 2) % 11
    return (11 - product) % 10


def normalize_project_code(raw: str | None) -> tuple[str | None, str | None]:
    """(code, problem): the 24-digit code with separators removed, or a Chinese reason it is not valid."""
    text = SEPARATORS.sub("", (raw or "").strip())
    if not text:
        return None, None
    if not text.isascii() or not text.isdigit() or len(text) != 24:
        return None, f"项目代码“{raw}”应为 24 位数字（可含连字符），实际为 {len(text)} 位。"
    year = int(text[:4])
    if not 2000 <= year <= 2100:
        return None, f"项目代码“{raw}”的前 4 位应为赋码年度，{year} 不合理。"
    expected = check_digit(text[:23])
    if int(text[23]) != expected:
        return None, f"项目代码“{raw}”校验位错误：末位应为 {expected}，请核对是否抄错。"
    return text, None
