"""The plan's indicators (专栏1): reading the CSV, parsing each target's form, loading them into a plan.

Target forms, as the plan writes them:
  "≤43" / "≥95"        a number with an explicit direction;
  "43"                  a plain number: the direction follows the baseline (56 → 43 means lower is better;
                        an unchanged value such as 35 → 35 means "keep at least");
  "[9700]"              a five-year cumulative total of yearly amounts;
  "按省下达目标"         the province sets it later; a planner enters it then;
  anything else         qualitative (基本消除, 持续提升, 不减少, 稳中向好, 有效保障 …).
"""

import csv
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from sqlalchemy import select

from portfolio.config import ROOT
from portfolio.db import session
from portfolio.evaluation.models import Indicator, TargetKind
from portfolio.projects.models import Plan

SEED_CSV = ROOT / "import" / "indicators-14th.csv"  # shipped beside the plan file
PROVINCIAL_TEXT = "按省下达目标"
_SIGNED = re.compile(r"^\s*(≤|<=|≥|>=)\s*(-?\d{1,12}(?:\.\d+)?)\s*$")
_PLAIN = re.compile(r"^\s*(-?\d{1,12}(?:\.\d+)?)\s*$")
_CUMULATIVE = re.compile(r"^\s*[\[［【]\s*(\d{1,12}(?:\.\d+)?)\s*[\]］】]\s*$")


@dataclass(frozen=True)
class Target:
    kind: TargetKind
    value: Decimal | None


def parse_number(text: str | None) -> Decimal | None:
    """A plain decimal number, or None for "-", blanks and words."""
    text = (text or "").strip().replace(",", "")
    if not _PLAIN.match(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def parse_target(text: str | None, baseline: Decimal | None) -> Target:
    """Classify a target as written in the plan (see the module docstring)."""
    text = (text or "").strip()
    if not text or text == "-":
        return Target(TargetKind.QUALITATIVE, None)
    if text.startswith("按省"):
        return Target(TargetKind.PROVINCIAL, None)
    if m := _CUMULATIVE.match(text):
        return Target(TargetKind.CUMULATIVE, Decimal(m.group(1)))
    if m := _SIGNED.match(text):
        kind = TargetKind.AT_MOST if m.group(1) in ("≤", "<=") else TargetKind.AT_LEAST
        return Target(kind, Decimal(m.group(2)))
    if (value := parse_number(text)) is not None:
        lower_is_better = baseline is not None and value < baseline
        return Target(TargetKind.AT_MOST if lower_is_better else TargetKind.AT_LEAST, value)
    return Target(TargetKind.QUALITATIVE, None)


def read_indicator_rows(path: Path) -> list[dict]:
    """The CSV's rows as dicts keyed by its Chinese headers (序号, 类别, 指标, …)."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return [row for row in csv.DictReader(fh) if (row.get("序号") or "").strip()]


def _fields(row: dict) -> dict:
    baseline_text = (_first(row, "基准值") or "").strip()
    target_text = (_first(row, "目标") or "").strip()
    baseline = parse_number(baseline_text)
    target = parse_target(target_text, baseline)
    return {
        "category": row["类别"].strip(),
        "name": row["指标"].strip(),
        "unit": (row.get("单位") or "").strip() or None,
        "baseline_text": baseline_text or None,
        "baseline_value": baseline,
        "target_text": target_text or None,
        "target_kind": target.kind,
        "target_value": target.value,
        "binding": (row.get("指标属性") or "").strip() == "约束性",
        "note": (row.get("备注") or "").strip() or None,
    }


def _first(row: dict, suffix: str) -> str | None:
    """The column whose header ends with the suffix ("…年基准值", "…年目标"), whatever the plan's years."""
    return next((v for k, v in row.items() if k and k.endswith(suffix)), None)


def load_indicators(plan: Plan, path: Path = SEED_CSV) -> dict[str, int]:
    """Create or update the plan's indicators from the CSV, matched by 序号; running it twice changes nothing.

    A provincial target a planner already entered is kept.
    """
    existing = {
        i.seq: i for i in session.scalars(select(Indicator).where(Indicator.plan_id == plan.id)).all()
    }
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for row in read_indicator_rows(path):
        seq = int(row["序号"])
        fields = _fields(row)
        indicator = existing.get(seq)
        if indicator is None:
            session.add(Indicator(plan_id=plan.id, seq=seq, **fields))
            counts["created"] += 1
            continue
        if indicator.target_kind == TargetKind.PROVINCIAL and fields["target_kind"] == TargetKind.PROVINCIAL:
            fields.pop("target_text"), fields.pop("target_value")
        changed = {k: v for k, v in fields.items() if getattr(indicator, k) != v}
        for key, value in changed.items():
            setattr(indicator, key, value)
        counts["updated" if changed else "unchanged"] += 1
    session.flush()
    return counts
