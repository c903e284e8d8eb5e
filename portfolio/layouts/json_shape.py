"""The shape a shared layout file must have, read off the spec's own dataclasses.

A file from another city is checked before anything in it is used: an unknown setting (perhaps from a
newer system) or a value of the wrong kind (the text "false" where 是/否 is meant) is named in Chinese,
rather than dropped or read as something else.
"""

import typing
from dataclasses import MISSING, fields, is_dataclass

from portfolio.layouts.spec import LayoutSpec

KINDS = {str: "文字", bool: "是或否（true/false）", int: "整数", float: "数字"}
TOP = {"format": str, "version": int, "name": str, "spec": LayoutSpec}
MAX_PROBLEMS = 10


def _kind_ok(value, kind) -> bool:
    if kind is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, kind)


def _check(value, kind, where: str, problems: list[str]) -> None:
    if is_dataclass(kind):
        required = {f.name for f in fields(kind) if f.default is MISSING and f.default_factory is MISSING}
        _check_object(value, {f.name: f.type for f in fields(kind)}, where, problems, required)
    elif typing.get_origin(kind) is list:
        if not isinstance(value, list):
            problems.append(f"“{where}”应为列表。")
            return
        (item,) = typing.get_args(kind)
        for n, entry in enumerate(value, start=1):
            _check(entry, item, f"{where}[{n}]", problems)
    elif not _kind_ok(value, kind):
        problems.append(f"“{where}”应为{KINDS.get(kind, '其他类型')}。")


def _path(where: str, key) -> str:
    return f"{where}.{key}" if where else str(key)


def _check_object(value, shape: dict, where: str, problems: list[str], required=frozenset()) -> None:
    if not isinstance(value, dict):
        problems.append(f"“{where or '文件'}”应为对象（{{…}}）。")
        return
    problems += [f"缺少“{_path(where, key)}”。" for key in shape if key in required and key not in value]
    for key, item in value.items():
        path = _path(where, key)
        if key not in shape:
            problems.append(f"“{path}”不是本系统的版式设置（可能来自更新版本的系统）。")
        elif item is not None:
            _check(item, shape[key], path, problems)


def shape_problems(document) -> list[str]:
    """Each place where the document is not a layout file this system writes (at most ten)."""
    problems: list[str] = []
    _check_object(document, TOP, "", problems, frozenset({"spec"}))
    return problems[:MAX_PROBLEMS]
