import pytest

from portfolio.projects.codes import check_digit, normalize_project_code

BODY = "20214108000401123456789"  # 2021, 410800 (Jiaozuo), 04, 01, random 123456789


def test_check_digit_follows_mod_11_10():
    # By hand: p=10 → (0) s=10,p=9 → (7) s=6,p=1 → (9) s=10,p=9 → (4) s=3,p=6; check = (11-6) mod 10 = 5.
    assert check_digit("0794") == 5
    code = BODY + str(check_digit(BODY))
    assert normalize_project_code(code) == (code, None)


def test_separators_are_dropped():
    code = BODY + str(check_digit(BODY))
    spaced = f"{code[:4]}-{code[4:10]}-{code[10:12]}-{code[12:14]}-{code[14:]}"
    assert normalize_project_code(spaced) == (code, None)


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("12345", "24 位数字"),
        ("2021410800040112345678９0", "24 位数字"),
        ("190041080004011234567890", "赋码年度"),
    ],
)
def test_malformed_codes_are_explained(raw, fragment):
    code, problem = normalize_project_code(raw)
    assert code is None and fragment in problem


def test_a_wrong_check_digit_is_refused():
    wrong = BODY + str((check_digit(BODY) + 1) % 10)
    code, problem = normalize_project_code(wrong)
    assert code is None and "校验位错误" in problem
    assert normalize_project_code("  ") == (None, None)
