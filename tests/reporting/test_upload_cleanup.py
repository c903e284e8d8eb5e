"""Uploads leave nothing behind: everything is checked before a file is written, written files go when the
request rolls back, a rolled-back deletion keeps its file, and `flask attachments check` finds the rest."""

import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portfolio.db import session
from portfolio.errors import DomainError
from portfolio.reporting import services
from portfolio.reporting.attachments import MAX_PER_REPORT
from portfolio.reporting.models import Attachment
from tests.reporting.conftest import report_form
from tests.reporting.test_attachments import tiny_png


def _files(app) -> list[Path]:
    folder = Path(app.config["UPLOAD_DIR"])
    return sorted(p for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []


def _post(client, period, project, files, **extra):
    data = report_form(save="暂存", **extra)
    data["files"] = [(io.BytesIO(content), name) for name, content in files]
    return client.post(
        f"/reporting/periods/{period.id}/projects/{project.id}/report",
        data=data,
        content_type="multipart/form-data",
    )


def _rows() -> int:
    return session.scalar(select(func.count()).select_from(Attachment))


BAD_BATCHES = {
    "one too many": [(f"p{i}.png", tiny_png()) for i in range(MAX_PER_REPORT + 1)],
    "last one not an image": [*[(f"p{i}.png", tiny_png()) for i in range(5)], ("x.png", b"GIF89a")],
    "last one a script": [*[(f"p{i}.png", tiny_png()) for i in range(3)], ("x.exe", b"MZ")],
    "last one empty": [("a.png", tiny_png()), ("b.pdf", b"")],
}


@pytest.mark.parametrize("batch", BAD_BATCHES, ids=list(BAD_BATCHES))
def test_a_refused_batch_writes_no_file(app, period, project, role_client, batch):
    response = _post(role_client("officer"), period, project, BAD_BATCHES[batch])
    assert response.status_code in (200, 400) and "附件" in response.get_data(as_text=True)
    assert _files(app) == [] and _rows() == 0


def test_over_the_limit_counting_what_the_report_already_has(app, period, project, role_client):
    officer = role_client("officer")
    assert _post(officer, period, project, [(f"a{i}.png", tiny_png()) for i in range(15)]).status_code == 302
    response = _post(officer, period, project, [(f"b{i}.png", tiny_png()) for i in range(6)], version="1")
    assert "最多上传 20 个附件" in response.get_data(as_text=True)
    assert len(_files(app)) == 15 and _rows() == 15


@pytest.mark.parametrize("count", [1, 7, MAX_PER_REPORT])
def test_files_written_before_a_later_refusal_are_removed(
    app, period, project, role_client, monkeypatch, count
):
    real = services.record

    def refuse_at_the_end(actor, action, *args, **kwargs):
        if action in ("report.create", "report.update"):
            raise DomainError("模拟：保存最后一步被拒绝。")
        return real(actor, action, *args, **kwargs)

    monkeypatch.setattr(services, "record", refuse_at_the_end)
    response = _post(
        role_client("officer"), period, project, [(f"p{i}.png", tiny_png()) for i in range(count)]
    )
    assert "模拟" in response.get_data(as_text=True)
    assert _files(app) == [] and _rows() == 0


def test_a_deletion_that_rolls_back_keeps_its_file(app, period, project, role_client, monkeypatch):
    officer = role_client("officer")
    _post(officer, period, project, [("site.png", tiny_png())])
    attachment = session.scalar(select(Attachment))
    url = f"/reporting/attachments/{attachment.id}/delete"
    real = services.attachments.remove

    def remove_then_fail(actor, found):
        real(actor, found)
        raise DomainError("模拟：删除后被拒绝。")

    monkeypatch.setattr(services.attachments, "remove", remove_then_fail)
    officer.post(url)
    assert len(_files(app)) == 1 and _rows() == 1
    monkeypatch.setattr(services.attachments, "remove", real)
    assert officer.post(url).status_code == 302
    assert _files(app) == [] and _rows() == 0


def test_attachments_check_reports_and_removes_orphans(app, period, project, role_client, runner):
    _post(role_client("officer"), period, project, [("a.png", tiny_png()), ("b.png", tiny_png())])
    folder = Path(app.config["UPLOAD_DIR"])
    orphan = folder / ("0" * 32 + ".png")
    orphan.write_bytes(tiny_png())
    staging = folder / "annex-staging"
    staging.mkdir()
    (staging / "work.xlsx").write_bytes(b"PK")
    gone = session.scalars(select(Attachment)).first()
    (folder / gone.stored_name).unlink()
    out = runner.invoke(args=["attachments", "check"]).output
    assert (
        "孤立文件 1 个" in out and orphan.name in out and "缺失文件 1 个" in out and gone.stored_name in out
    )
    assert "进度报告附件" in out and orphan.exists()
    out = runner.invoke(args=["attachments", "check", "--remove-orphans"]).output
    assert "已删除孤立文件 1 个" in out and not orphan.exists()
    assert (staging / "work.xlsx").exists() and len(_files(app)) == 1
