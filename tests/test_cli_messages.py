"""Every command of the app's CLI answers bad arguments in Chinese (portfolio/cli/click_messages.py)."""

import ast
import importlib
import re
from pathlib import Path

import click
import pytest

from portfolio.cli.click_messages import CLICK_MODULES, MESSAGES, PLURALS

CLICK_DIR = Path(click.__file__).parent
WINDOWS_ONLY = {"_winconsole.py"}  # cannot be imported elsewhere; its one message is a Windows API error


def _marked_messages(path: Path) -> tuple[set, set]:
    """The string literals a click module passes to _() and ngettext()."""
    singles, plurals = set(), set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            continue
        texts = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        if node.func.id == "_" and texts:
            singles.add(texts[0])
        elif node.func.id == "ngettext" and len(texts) == 2:
            plurals.add(tuple(texts))
    return singles, plurals


def test_every_click_module_that_translates_is_installed_and_every_message_has_chinese():
    translating = {
        p.name for p in CLICK_DIR.glob("*.py") if "from gettext import" in p.read_text(encoding="utf-8")
    }
    installed = {Path(importlib.import_module(m).__file__).name for m in CLICK_MODULES}
    assert translating - WINDOWS_ONLY == installed
    missing = []
    for name in sorted(installed):
        singles, plurals = _marked_messages(CLICK_DIR / name)
        missing += [f"{name}: {m!r}" for m in sorted(singles - MESSAGES.keys())]
        missing += [f"{name}: {p!r}" for p in sorted(plurals - PLURALS.keys())]
    assert missing == []


def test_the_chinese_messages_keep_only_the_placeholders_click_fills_in():
    def fields(text: str) -> set[str]:
        return set(re.findall(r"\{(\w+)", text)) | set(re.findall(r"%\((\w+)\)", text))

    for english, chinese in MESSAGES.items():
        assert fields(chinese) <= fields(english), english
        assert re.search(r"[\u4e00-\u9fff]", chinese), english
    for (one, several), (zh_one, zh_several) in PLURALS.items():
        assert fields(zh_one) <= fields(one) | fields(several) and fields(zh_several) <= fields(several)


ENGLISH = re.compile(r"Error|Missing|Invalid|No such|Usage|Try |unexpected|is not|does not|Did you mean")

BAD_ARGUMENTS = {
    "缺少必填选项 '--output'": ["export-oc4ids"],
    "缺少参数 'PATH'": ["import-annex"],
    "没有选项 '--bogus'": ["import-annex", "annex.xlsx", "--bogus"],
    "'--days' 的值无效：'三十' 不是有效的数字": ["create-token", "--user", "officer", "--days", "三十"],
    "不是可选值之一": ["create-user", "--username", "a", "--name", "甲", "--role", "boss", "--password", "x"],
    "不是可选值之一：'progress', 'counties', 'supervision'": [
        "export-progress", "--period", "2023Q4", "--output", "x.xlsx", "--sheet", "total",
    ],
    "文件 '/nonexistent/指标.csv' 不存在": ["load-indicators", "--file", "/nonexistent/指标.csv"],
    "选项 '--user' 需要一个值": ["create-token", "--user"],
    "多余的参数（extra）": ["plans", "list", "extra"],
    "没有命令 'lst'": ["plans", "lst"],
    "没有命令 'export-oc4id'": ["export-oc4id"],
}  # fmt: skip


@pytest.mark.parametrize("expected", BAD_ARGUMENTS)
def test_bad_arguments_get_a_chinese_usage_error(app, runner, expected):
    result = runner.invoke(args=BAD_ARGUMENTS[expected])
    assert result.exit_code == 2, result.output
    assert "错误：" in result.output and expected in result.output, result.output
    assert not ENGLISH.search(result.output), result.output


def test_a_refusal_from_a_service_and_the_help_are_chinese_too(app, runner):
    refused = runner.invoke(args=["create-token", "--user", "nobody"])
    assert refused.exit_code == 1 and refused.output.startswith("错误：") and "不存在" in refused.output
    missing = runner.invoke(args=["export-oc4ids"])
    assert "用法：" in missing.output and "运行 'portfolio export-oc4ids --help' 查看用法。" in missing.output
    helped = runner.invoke(args=["export-oc4ids", "--help"])
    assert helped.exit_code == 0
    assert "用法：" in helped.output and "选项" in helped.output and "显示此帮助并退出。" in helped.output


def _commands(group, prefix=""):
    for name, cmd in group.commands.items():
        yield f"{prefix}{name}", cmd
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, f"{prefix}{name} ")


def test_every_command_and_option_explains_itself_in_chinese(app):
    chinese = re.compile(r"[\u4e00-\u9fff]")
    english = []
    for name, cmd in _commands(app.cli):
        if not chinese.search(cmd.help or ""):
            english.append(f"{name}: {cmd.help!r}")
        english += [
            f"{name} {p.opts[0]}: {p.help!r}"
            for p in cmd.params
            if getattr(p, "help", None) and not chinese.search(p.help)
        ]
    assert len(list(_commands(app.cli))) >= 18 and english == []
