"""A plan file (import/plan-14th.json): the plan's name, years and categories as data, read and checked.

Format (JSON, UTF-8):
  {"format": "portfolio-plan/1", "name": …, "short_name": …, "doc_number": …, "start_year": 2021,
   "end_year": 2025, "categories": [{"number": 1, "name": …, "aliases": […], "subcategories": […]}, …]}
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from portfolio.config import ROOT
from portfolio.errors import DomainError

SHIPPED_PLAN = ROOT / "import" / "plan-14th.json"
FORMAT = "portfolio-plan/1"


@dataclass
class CategoryDefinition:
    number: int
    name: str
    aliases: list[str] = field(default_factory=list)
    subcategories: list[str] = field(default_factory=list)


@dataclass
class PlanDefinition:
    name: str
    short_name: str
    doc_number: str | None
    start_year: int
    end_year: int
    categories: list[CategoryDefinition]

    def as_dict(self) -> dict:
        """The legacy dict shape (categories as tuples) that load_plan and older tests take."""
        return {
            "name": self.name,
            "short_name": self.short_name,
            "doc_number": self.doc_number,
            "start_year": self.start_year,
            "end_year": self.end_year,
            "categories": [(c.number, c.name, c.aliases, c.subcategories) for c in self.categories],
        }


class PlanFileError(DomainError):
    pass


def read_plan_file(path: Path = SHIPPED_PLAN) -> PlanDefinition:
    """Read and check a plan file; any problem is a PlanFileError naming the file and the field."""
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise PlanFileError(f"找不到规划文件 {path}。") from e
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise PlanFileError(f"规划文件 {Path(path).name} 不是有效的 UTF-8 JSON：{e}") from e
    if not isinstance(raw, dict) or raw.get("format", FORMAT) != FORMAT:
        raise PlanFileError(f"规划文件 {Path(path).name} 的格式不对，应为 {FORMAT}。")
    return parse_definition(raw)


def parse_definition(raw: dict) -> PlanDefinition:
    """Check a plan definition given as plain data (from a file or a form)."""
    name = _text(raw, "name", "规划名称", 200)
    short = _text(raw, "short_name", "简称", 20)
    start, end = _year(raw, "start_year", "起始年"), _year(raw, "end_year", "结束年")
    if start > end:
        raise PlanFileError(f"起始年 {start} 晚于结束年 {end}。")
    cats = raw.get("categories")
    if not isinstance(cats, list) or not cats:
        raise PlanFileError("规划至少要有一个重大工程类别（categories）。")
    categories = [_category(c, i) for i, c in enumerate(cats, start=1)]
    _unique([c.number for c in categories], "类别序号")
    _unique([c.name for c in categories], "类别名称")
    doc = raw.get("doc_number")
    return PlanDefinition(name, short, str(doc).strip() if doc else None, start, end, categories)


def _category(raw, position: int) -> CategoryDefinition:
    if not isinstance(raw, dict):
        raise PlanFileError(f"第 {position} 个类别应为对象（含 number、name）。")
    number = raw.get("number", position)
    if not isinstance(number, int) or number < 1:
        raise PlanFileError(f"第 {position} 个类别的序号应为正整数。")
    name = _text(raw, "name", f"第 {position} 个类别的名称", 100)
    aliases = [str(a).strip() for a in raw.get("aliases") or [] if str(a).strip()]
    subs = [str(s).strip() for s in raw.get("subcategories") or [] if str(s).strip()]
    _unique(subs, f"类别“{name}”的子类名称")
    if any(len(s) > 100 for s in subs):
        raise PlanFileError(f"类别“{name}”有超过 100 字的子类名称。")
    return CategoryDefinition(number, name, aliases, subs)


def _text(raw: dict, key: str, label: str, limit: int) -> str:
    value = str(raw.get(key) or "").strip()
    if not value:
        raise PlanFileError(f"缺少{label}（{key}）。")
    if len(value) > limit:
        raise PlanFileError(f"{label}超过 {limit} 字。")
    return value


def _year(raw: dict, key: str, label: str) -> int:
    value = raw.get(key)
    if not isinstance(value, int) or not 1990 <= value <= 2100:
        raise PlanFileError(f"{label}（{key}）应为 1990–2100 之间的年份，文件中为 {value!r}。")
    return value


def _unique(values: list, label: str) -> None:
    seen = set()
    for v in values:
        if v in seen:
            raise PlanFileError(f"{label}“{v}”重复。")
        seen.add(v)
