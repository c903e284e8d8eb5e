"""Helpers for annex tests: the shipped annex, reading its rows independently, importing into the plan."""

from decimal import Decimal
from pathlib import Path

import openpyxl
from sqlalchemy import func, select

from portfolio.db import money, session
from portfolio.projects.models import Category, Plan, Project

ANNEX = Path(__file__).resolve().parents[2] / "import" / "major-projects-annex.xlsx"


def annex_bytes() -> bytes:
    return ANNEX.read_bytes()


def plan() -> Plan:
    return session.scalar(select(Plan).order_by(Plan.id))


def stated_rows() -> tuple[dict, dict]:
    """The annex's own 合计 and category rows, read with openpyxl: {label: (total, fyp)}."""
    ws = openpyxl.load_workbook(ANNEX, read_only=True).worksheets[0]
    categories, grand = {}, {}
    for row in ws.iter_rows(min_row=5, values_only=True):
        name = str(row[1] or "")
        if name.startswith("合计"):
            grand = {"total": Decimal(str(row[6])), "fyp": Decimal(str(row[7]))}
        elif "项）" in name:
            categories[name.split("（")[0]] = {"total": Decimal(str(row[6])), "fyp": Decimal(str(row[7]))}
    return categories, grand


def stored_totals(plan_id: int) -> dict:
    rows = session.execute(
        select(
            Category.name,
            func.count(Project.id),
            func.sum(Project.total_investment_wan),
            func.sum(Project.span_investment_wan),
        )
        .join(Project, Project.category_id == Category.id)
        .where(Project.plan_id == plan_id)
        .group_by(Category.name)
    )
    return {name: {"count": n, "total": money(t), "fyp": money(f)} for name, n, t, f in rows}
