import io
import struct
import zlib
from pathlib import Path

from sqlalchemy import select

from portfolio.db import session
from portfolio.reporting.attachments import safe_name
from portfolio.reporting.models import Attachment, StatusReport
from tests.reporting.conftest import report_form


def tiny_png() -> bytes:
    """A valid 1×1 PNG, built by hand."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x2f\x8f\x4e")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def _post(client, period, project, files, **extra):
    data = report_form(save="暂存", **extra)
    data["files"] = [(io.BytesIO(content), name) for name, content in files]
    return client.post(
        f"/reporting/periods/{period.id}/projects/{project.id}/report",
        data=data,
        content_type="multipart/form-data",
    )


def test_photo_is_stored_outside_web_root_and_served_as_download(app, period, project, role_client):
    officer = role_client("officer")
    png = tiny_png()
    assert _post(officer, period, project, [("../../现场;照片.png", png)]).status_code == 302
    attachment = session.scalar(select(Attachment))
    stored = Path(app.config["UPLOAD_DIR"]) / attachment.stored_name
    assert stored.read_bytes() == png
    assert "照片" not in attachment.stored_name and len(attachment.stored_name) == 36
    assert not str(stored).startswith(app.static_folder)
    response = officer.get(f"/reporting/attachments/{attachment.id}")
    assert response.status_code == 200 and response.data == png
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "\r" not in disposition and "\n" not in disposition
    assert "filename*=UTF-8''" in disposition and attachment.original_name == "现场_照片.png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_names_lose_directories_quotes_and_line_breaks():
    assert safe_name('C:\\temp\\现场"照片"\r\n.png') == "现场_照片___.png"
    assert safe_name("../..") == "附件"


def test_other_county_cannot_download(app, period, project, role_client):
    _post(role_client("officer"), period, project, [("site.png", tiny_png())])
    attachment = session.scalar(select(Attachment))
    assert role_client("other_officer").get(f"/reporting/attachments/{attachment.id}").status_code == 404
    assert role_client("reviewer").get(f"/reporting/attachments/{attachment.id}").status_code == 200
    assert (
        role_client("other_officer").post(f"/reporting/attachments/{attachment.id}/delete").status_code == 404
    )
    assert role_client("officer").get("/reporting/attachments/999999").status_code == 404


def test_wrong_type_or_disguised_file_is_refused_and_input_kept(app, period, project, role_client):
    officer = role_client("officer")
    for name, content, message in [
        ("plan.docx", b"PK\x03\x04", "类型不允许"),
        ("photo.png", b"<html>not a png</html>", "内容与扩展名不符"),
        ("scan.pdf", b"\x89PNG\r\n\x1a\nxx", "内容与扩展名不符"),
    ]:
        response = _post(officer, period, project, [(name, content)], problems="别丢了我的字")
        text = response.get_data(as_text=True)
        assert response.status_code == 400 and message in text and "别丢了我的字" in text
    assert session.scalar(select(StatusReport)) is None


def test_size_limit(app, period, project, role_client):
    app.config["ATTACHMENT_MAX_BYTES"] = 1024
    big = b"%PDF-1.4\n" + b"0" * 2048
    response = _post(role_client("officer"), period, project, [("big.pdf", big)])
    assert "大小限制" in response.get_data(as_text=True)
    assert session.scalar(select(Attachment)) is None


def test_officer_deletes_an_attachment_while_editing(app, period, project, role_client):
    officer = role_client("officer")
    _post(officer, period, project, [("a.pdf", b"%PDF-1.4 tiny"), ("b.png", tiny_png())])
    first, second = session.scalars(select(Attachment).order_by(Attachment.id)).all()
    path = Path(app.config["UPLOAD_DIR"]) / first.stored_name
    assert officer.post(f"/reporting/attachments/{first.id}/delete").status_code == 302
    session.expire_all()
    assert [a.id for a in session.scalars(select(Attachment))] == [second.id] and not path.exists()


def test_refused_submission_leaves_no_file_behind(app, period, project, role_client):
    officer = role_client("officer")
    response = _post(officer, period, project, [("ok.png", tiny_png()), ("bad.png", b"nope")])
    assert response.status_code == 400
    data = report_form(percent_complete="", send="报送")
    data["files"] = [(io.BytesIO(tiny_png()), "ok.png")]
    officer.post(
        f"/reporting/periods/{period.id}/projects/{project.id}/report",
        data=data,
        content_type="multipart/form-data",
    )
    upload_dir = Path(app.config["UPLOAD_DIR"])
    assert not upload_dir.exists() or not any(upload_dir.iterdir())
