"""The annex import reads funding: per-source columns or one 资金来源 text column; unread text is a note."""

import io
from decimal import Decimal

import openpyxl
from sqlalchemy import select

from portfolio.annex.services import import_annex
from portfolio.db import session
from portfolio.funding.models import ProjectFunding, ProjectFundingNote
from portfolio.projects.models import Project
from tests.annex.helpers import ANNEX, plan

FIRST_PROJECT_ROW = 8  # the shipped annex: 合计 on row 5, a category on 6, a sub-category on 7


def _annex(extra: dict[str, dict[int, object]]) -> bytes:
    """The shipped annex with extra columns at its right: {header: {excel row: value}}."""
    wb = openpyxl.load_workbook(ANNEX)
    ws = wb.worksheets[0]
    first = ws.max_column + 1
    for column, (header, cells) in enumerate(extra.items(), start=first):
        ws.merge_cells(start_row=3, start_column=column, end_row=4, end_column=column)
        ws.cell(3, column, header)
        for row, value in cells.items():
            ws.cell(row, column, value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _name(row: int) -> str:
    return openpyxl.load_workbook(ANNEX, read_only=True).worksheets[0].cell(row, 2).value


def _stored(name: str) -> tuple[dict, str | None]:
    session.expire_all()
    project = session.scalar(select(Project).where(Project.name == name))
    rows = session.scalars(select(ProjectFunding).where(ProjectFunding.project_id == project.id))
    note = session.get(ProjectFundingNote, project.id)
    return {r.source.name: r.amount_wan for r in rows}, note.text if note else None


def test_a_funding_text_column_is_split_by_source_and_unreadable_text_kept_with_a_warning(app):
    row, other = FIRST_PROJECT_ROW, FIRST_PROJECT_ROW + 1
    data = _annex({"资金来源": {row: "中央预算内投资5000万元，专项债2亿元", other: "积极争取上级资金"}})
    report = import_annex(None, data, "funding.xlsx", plan())
    session.commit()
    assert report.ok
    assert _stored(_name(row)) == (
        {"中央预算内投资": Decimal(5000), "地方政府专项债券": Decimal(20000)},
        None,
    )
    assert _stored(_name(other)) == ({}, "积极争取上级资金")
    [warning] = [i for i in report.issues if i.code == "funding-unparsed"]
    assert warning.row == other and f"第 {other} 行" in warning.message and warning.column == "R"
    # importing the same file again changes nothing
    again = import_annex(None, data, "funding.xlsx", plan(), dry_run=True)
    assert again.counts["updated"] == 0


def test_separate_source_columns_in_the_sheets_unit(app):
    row = FIRST_PROJECT_ROW
    data = _annex(
        {"中央预算内投资（万元）": {row: 300}, "专项债（亿元）": {row: 1.5}, "企业自筹": {row: "200"}}
    )
    report = import_annex(None, data, "columns.xlsx", plan())
    session.commit()
    assert report.ok and not [i for i in report.issues if i.code == "unknown-column"]
    expected = {
        "中央预算内投资": Decimal(300),
        "地方政府专项债券": Decimal(15000),
        "企业自筹及社会资本": Decimal(200),
    }
    assert _stored(_name(row)) == (expected, None)


def test_a_file_without_funding_leaves_the_registers_breakdown_alone(app):
    row = FIRST_PROJECT_ROW
    import_annex(None, _annex({"资金来源": {row: "银行贷款100"}}), "a.xlsx", plan())
    session.commit()
    report = import_annex(None, ANNEX.read_bytes(), ANNEX.name, plan())
    session.commit()
    assert report.counts["updated"] == 0
    assert _stored(_name(row)) == ({"银行贷款": Decimal(100)}, None)


def test_a_changed_funding_text_shows_in_the_dry_run_and_replaces_the_breakdown(app):
    row = FIRST_PROJECT_ROW
    import_annex(None, _annex({"资金来源": {row: "银行贷款100"}}), "a.xlsx", plan())
    session.commit()
    changed = _annex({"资金来源": {row: "银行贷款80，企业自筹20"}})
    preview = import_annex(None, changed, "b.xlsx", plan(), dry_run=True)
    [record] = [p for p in preview.projects if p.action == "updated"]
    assert set(record.changes) == {"funding"}
    import_annex(None, changed, "b.xlsx", plan())
    session.commit()
    assert _stored(_name(row)) == ({"银行贷款": Decimal(80), "企业自筹及社会资本": Decimal(20)}, None)


def test_a_bad_amount_in_a_source_column_is_an_error_on_its_cell_and_nothing_is_written(app):
    row = FIRST_PROJECT_ROW
    report = import_annex(None, _annex({"银行贷款": {row: "很多"}}), "bad.xlsx", plan())
    assert not report.ok
    [error] = [i for i in report.errors if i.row == row]
    assert error.column == "R" and error.header.startswith("银行贷款")
    assert session.scalar(select(ProjectFunding.project_id)) is None


def test_the_preview_names_each_source_with_its_amount(role_client):
    from portfolio.annex.report import display_value

    shown = display_value({"银行贷款": Decimal("80.0000"), "其他": Decimal(20)})
    assert shown == "银行贷款 80.00；其他 20.00"
    assert display_value({2021: Decimal(5)}) == "2021年 5.00"


def test_the_import_audit_names_funding_only_when_the_file_has_it(app):
    from portfolio.audit.display import field_label
    from portfolio.audit.models import AuditEntry

    row = FIRST_PROJECT_ROW
    import_annex(None, _annex({"资金来源": {row: "银行贷款100"}}), "a.xlsx", plan())
    session.commit()
    entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "project.import_create")).all()
    with_funding = [e for e in entries if "funding" in e.after]
    assert len(with_funding) == 1 and with_funding[0].after["funding"] == {"银行贷款": 100}
    assert field_label("funding") == "资金来源（万元）"
