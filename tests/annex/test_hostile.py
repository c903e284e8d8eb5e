"""Hostile and broken files: each gets a clear Chinese error before any parser sees it; nothing is written."""

import io
import re
import zipfile

import pytest
from sqlalchemy import func, select

from portfolio.annex.reader import MAX_COLUMNS, MAX_ROWS
from portfolio.annex.services import UnreadableAnnex, import_annex
from portfolio.db import session
from portfolio.projects.models import Project
from tests.annex.helpers import annex_bytes, plan

SHEET = "xl/worksheets/sheet1.xml"


def _patched(transform) -> bytes:
    """The shipped annex with its first sheet's XML rewritten."""
    src = zipfile.ZipFile(io.BytesIO(annex_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            dst.writestr(info.filename, transform(data) if info.filename == SHEET else data)
    return out.getvalue()


def _entity_bomb() -> bytes:
    entities = '<!ENTITY a0 "ha">' + "".join(f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10))
    dtd = f'<?xml version="1.0"?><!DOCTYPE worksheet [{entities}]>'.encode()
    return _patched(lambda d: dtd + re.sub(rb"^<\?xml[^>]*>", b"", d).replace(b"<v>1</v>", b"<v>&a9;</v>", 1))


def _zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr(SHEET, b"\0" * (60 * 1024 * 1024))
    return out.getvalue()


def _claims_huge_size() -> bytes:
    """A zip whose directory says a part unpacks to 3 GB: refused from the directory alone."""
    data = bytearray(_zip_of({"xl/workbook.xml": "<workbook/>", SHEET: "<worksheet/>"}))
    central = data.rfind(b"PK\x01\x02")  # the last entry's central directory header
    data[central + 24 : central + 28] = (3 * 1024**3).to_bytes(4, "little")
    return bytes(data)


def _far_cell() -> bytes:
    far = b'<row r="1048576"><c r="XFD1048576" t="n"><v>1</v></c></row></sheetData>'
    return _patched(lambda d: d.replace(b"</sheetData>", far))


def _truncated() -> bytes:
    data = annex_bytes()
    return data[: len(data) // 2]


HOSTILE = {
    "empty": (lambda: b"", "文件为空"),
    "blank": (lambda: b"   \n", "文件为空"),
    "csv-renamed": (lambda: "序号,项目名称\n1,某项目\n".encode(), "CSV"),
    "html-renamed": (lambda: b"<!DOCTYPE html><html><body><table></table></body></html>", "网页"),
    "legacy-xls": (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096, ".xls"),
    "truncated-zip": (_truncated, "损坏"),
    "entity-bomb": (_entity_bomb, "DTD"),
    "zip-bomb": (_zip_bomb, "压缩"),
    "zip-directory-claims-3gb": (_claims_huge_size, "压缩炸弹"),
    "far-cell": (_far_cell, "范围过大"),
    "zip-without-workbook": (lambda: _zip_of({"hello.txt": "hi"}), "解压"),
}


def _zip_of(parts: dict) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_file_gets_a_clear_error(app, case):
    make, words = HOSTILE[case]
    with pytest.raises(UnreadableAnnex) as caught:
        import_annex(None, make(), f"{case}.xlsx", plan())
    assert words in caught.value.message
    assert session.scalar(select(func.count(Project.id))) == 0


def test_false_dimension_is_ignored_and_the_real_cells_are_read(app):
    data = _patched(lambda d: re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:XFD1048576"', d))
    report = import_annex(None, data, "dimension.xlsx", plan(), dry_run=True)
    assert report.ok and report.counts["created"] == 86


def test_many_rows_claimed_beyond_the_limit_are_refused(app):
    row = f'<row r="{MAX_ROWS + 1}"><c t="n"><v>1</v></c></row></sheetData>'.encode()
    with pytest.raises(UnreadableAnnex):
        import_annex(None, _patched(lambda d: d.replace(b"</sheetData>", row)), "rows.xlsx", plan())
    assert MAX_COLUMNS < 16384


def test_a_workbook_without_any_annex_header_is_a_validation_error(app):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["随便", "一些", "内容"])
    out = io.BytesIO()
    wb.save(out)
    report = import_annex(None, out.getvalue(), "other.xlsx", plan())
    assert not report.ok
    assert [i.code for i in report.errors] == ["no-header"]


def test_cli_exit_status_two_on_a_hostile_file(app, runner, tmp_path):
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(_entity_bomb())
    result = runner.invoke(args=["import-annex", str(path), "--json"])
    assert result.exit_code == 2
    assert '"ok": false' in result.stdout
