"""Import mistakes that passed silently (issue 11, item 8), each walked over its whole class.

- every required column whose header the importer does not recognise stops the import with an error
  naming the unrecognised header and the missing field;
- every file format an office may send instead of .xlsx is named, with what to do, in Chinese.
"""

import io
import zipfile

import pytest
from sqlalchemy import func, select

from portfolio.adjustments.services import AdjustmentNote
from portfolio.annex.models import ImportBatch
from portfolio.annex.parse import REQUIRED_COLUMNS
from portfolio.annex.reader import UnreadableAnnex
from portfolio.annex.services import import_annex
from portfolio.db import session
from portfolio.exports.services import import_template
from portfolio.exports.template_upload import RefusedTemplate
from portfolio.fields import FIELDS
from portfolio.projects.models import Project
from tests.annex.helpers import plan
from tests.annex.workbooks import ANNEX_HEADERS, Layout, Row, annex_rows, build

# The column of the built annex that holds each required field.
COLUMN_OF = {
    "total_investment_wan": "total",
    "span_investment_wan": "fyp",
    "years": "years",
    "units": "units",
    "locations": "location",
}


def test_every_required_column_is_known_to_the_walk():
    assert set(COLUMN_OF) == set(REQUIRED_COLUMNS)


@pytest.mark.parametrize("key", REQUIRED_COLUMNS)
def test_an_unrecognised_required_header_is_an_error_naming_it_and_the_field(app, key):
    odd = "资金合计数" if "investment" in key else "其他情况"
    data = build(Layout(headers=dict(ANNEX_HEADERS, **{COLUMN_OF[key]: odd})))
    report = import_annex(None, data, "annex.xlsx", plan(), dry_run=False)
    assert not report.ok
    [error] = [i for i in report.errors if i.code == "missing-column"]
    label = "“十四五”投资" if key == "span_investment_wan" else FIELDS[key].label
    assert f"找不到“{label}”列" in error.message and f"“{odd}”" in error.message, error.message
    assert "请把该列的表头改为" in error.message
    assert session.scalar(select(func.count()).select_from(Project)) == 0  # nothing written


def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, content in parts.items():
            z.writestr(name, content)
    return out.getvalue()


OLE = bytes.fromhex("d0cf11e0a1b11ae1")
FORMATS = {
    # what was sent: (bytes, words the message must hold)
    "ods": (
        _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"}),
        ("OpenDocument", ".ods", "另存为", ".xlsx"),
    ),
    "xls": (
        OLE + b"\0" * 200 + "Workbook".encode("utf-16-le") + b"\0" * 100,
        ("旧版 Excel", ".xls", "另存为"),
    ),
    "encrypted": (
        OLE + b"\0" * 200 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 100,
        ("打开密码", "取消密码"),
    ),
    "et": (OLE + b"\0" * 200 + "WpsWorkbook".encode("utf-16-le") + b"\0" * 100, ("另存为", ".xlsx")),
    "csv": ("序号,项目名称,总投资\n1,测试,100\n".encode(), ("CSV", "另存为")),
    "html": (b"<html><body><table><tr><td>1</td></tr></table></body></html>", ("网页", "另存为")),
    "pdf": (b"%PDF-1.4\n1 0 obj\n", ("PDF", ".xlsx")),
    "docx": (_zip({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<x/>"}), ("Word", ".xlsx")),
    "png": (bytes.fromhex("89504e470d0a1a0a") + b"\0" * 20, ("图片", ".xlsx")),
    "rar": (b"Rar!\x1a\x07\x00" + b"\0" * 20, ("压缩", "解压")),
    "zip": (_zip({"readme.txt": b"hello"}), ("压缩", "解压")),
}


@pytest.mark.parametrize("kind", FORMATS)
def test_each_format_sent_instead_of_xlsx_is_named_with_what_to_do(app, users, kind):
    data, words = FORMATS[kind]
    with pytest.raises(UnreadableAnnex) as refused:
        import_annex(None, data, f"annex.{kind}", plan(), dry_run=True)
    assert all(w in refused.value.message for w in words), refused.value.message
    assert "xl/workbook.xml" not in refused.value.message
    # The fill-in template's upload reads files through the same door.
    with pytest.raises(RefusedTemplate) as refused:
        import_template(users["officer"], data, "secret", dry_run=True)
    assert all(w in refused.value.message for w in words), refused.value.message


def _import(data: bytes, dry_run: bool = False):
    note = AdjustmentNote("按规划中期调整", "焦环〔2024〕1号")
    report = import_annex(None, data, "annex.xlsx", plan(), dry_run=dry_run, note=note)
    assert report.ok, [(i.row, i.message) for i in report.errors]
    return report


def test_a_row_inserted_near_the_top_renumbers_but_does_not_update(app, role_client):
    rows = annex_rows()
    _import(build(Layout(), rows))
    projects = [r for r in rows if r.kind == "project"]
    first = rows.index(projects[0])
    # One project inserted above all others moves every later 序号 by one; two real edits besides.
    inserted = Row("project", dict(projects[0].values, name="插入的新项目", seq=1))
    shifted = [
        Row(r.kind, dict(r.values, seq=r.values["seq"] + 1)) if r.kind == "project" else r for r in rows
    ]
    shifted.insert(first, inserted)
    edited = [r for r in shifted if r.kind == "project"]
    edited[5].values["total"] = edited[5].values["total"] + 1
    edited[40].values["content"] = "调整后的建设内容"
    data = build(Layout(), shifted)
    report = _import(data, dry_run=True)
    c = report.counts
    assert (c["created"], c["updated"], c["withdrawn"]) == (1, 2, 0)
    renumbered = [p for p in report.projects if p.action == "renumbered"]
    assert c["renumbered"] == len(renumbered) > 80 and c["unchanged"] == 0
    assert all(p.changes.keys() == {"seq_no"} for p in renumbered)
    # The preview shows them apart from the updates; the confirmed import stores the new numbers
    # without counting them as changes of the project.
    page = role_client("planner").post(
        "/annex/upload",
        data={"plan_id": str(plan().id), "file": (io.BytesIO(data), "annex.xlsx")},
        content_type="multipart/form-data",
    )
    html = page.get_data(as_text=True)
    assert f'<b data-count="renumbered">{c["renumbered"]}</b>仅序号变动' in html
    assert "更新项目（2）" in html
    version = session.scalar(select(Project.version).where(Project.name == renumbered[0].name))
    done = _import(data)
    assert done.counts == c | {"errors": 0}
    moved = session.scalar(select(Project).where(Project.name == renumbered[0].name))
    assert moved.seq_no == renumbered[0].seq_no and moved.version == version
    batch = session.get(ImportBatch, done.batch_id)
    assert (batch.updated_count, batch.renumbered_count) == (2, c["renumbered"])
    assert _import(data, dry_run=True).counts["unchanged"] == len(report.projects)  # again: nothing
