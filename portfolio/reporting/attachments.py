"""Report attachments on disk: size and magic bytes checked, stored outside the web root, random names.

Only the download view serves them, after checking that the user may see the report's project.
"""

import hashlib
import re
import secrets
import unicodedata
from pathlib import Path

from flask import current_app

from portfolio.audit.services import record
from portfolio.db import session
from portfolio.errors import DomainError
from portfolio.reporting.models import Attachment, StatusReport
from portfolio.reporting.photos import prepare_photo
from portfolio.unit_of_work import after_commit, on_rollback

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_PER_REPORT = 20

# extension -> (content type, the bytes every such file starts with)
ALLOWED = {
    ".jpg": ("image/jpeg", b"\xff\xd8\xff"),
    ".jpeg": ("image/jpeg", b"\xff\xd8\xff"),
    ".png": ("image/png", b"\x89PNG\r\n\x1a\n"),
    ".pdf": ("application/pdf", b"%PDF-"),
}
UNSAFE_NAME_CHARS = re.compile(r'[\x00-\x1f\x7f"\\/:*?<>|;]')


def max_bytes() -> int:
    return int(current_app.config.get("ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def upload_dir() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


def safe_name(name: str) -> str:
    """The file's own name without any directory, control or quoting characters, for display and download."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = UNSAFE_NAME_CHARS.sub("_", name).strip(" .")
    return name[-120:] or "附件"


def check(name: str, content: bytes) -> tuple[str, str]:
    """(safe name, content type) of an acceptable upload, or a DomainError saying what is wrong with it."""
    shown = safe_name(name)
    ext = Path(shown).suffix.lower()
    if ext not in ALLOWED:
        raise DomainError(f"附件“{shown}”的类型不允许：只能上传 JPG、PNG 图片或 PDF 文件。")
    if not content:
        raise DomainError(f"附件“{shown}”是空文件。")
    limit = max_bytes()
    if len(content) > limit:
        raise DomainError(f"附件“{shown}”超过 {limit // (1024 * 1024)} MB 的大小限制。")
    content_type, magic = ALLOWED[ext]
    if not content.startswith(magic):
        raise DomainError(f"附件“{shown}”的内容与扩展名不符（不是真正的 {ext[1:].upper()} 文件）。")
    return shown, content_type


def check_all(existing: int, files: list[tuple[str, bytes]]) -> None:
    """Every file of one save acceptable, and the report's total within the limit, before any is written."""
    if existing + len(files) > MAX_PER_REPORT:
        already = f"（已有 {existing} 个）" if existing else ""
        raise DomainError(
            f"每份报告最多上传 {MAX_PER_REPORT} 个附件{already}，本次选择了 {len(files)} 个，"
            "请减少后重新提交；本次没有保存任何附件。"
        )
    for name, content in files:
        check(name, content)


def store(actor, report: StatusReport, name: str, content: bytes) -> Attachment:
    """Check and write one file, then record it on the report; audited. The file goes if nothing commits."""
    shown, content_type = check(name, content)
    info = None
    if content_type.startswith("image/"):
        content, info = prepare_photo(shown, content, content_type)
    if len(report.attachments) >= MAX_PER_REPORT:
        raise DomainError(f"每份报告最多上传 {MAX_PER_REPORT} 个附件。")
    folder = upload_dir()
    folder.mkdir(parents=True, exist_ok=True)
    stored = secrets.token_hex(16) + Path(shown).suffix.lower()
    path = folder / stored
    path.write_bytes(content)
    on_rollback(lambda: path.unlink(missing_ok=True))
    attachment = Attachment(
        original_name=shown,
        stored_name=stored,
        content_type=content_type,
        size_bytes=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by_id=getattr(actor, "id", None),
        taken_at=info.taken_at if info else None,
        gps_lat=info.latitude if info else None,
        gps_lon=info.longitude if info else None,
    )
    report.attachments.append(attachment)
    session.flush()
    record(
        actor,
        "attachment.upload",
        attachment,
        after={"report_id": report.id, "name": shown, "size_bytes": len(content)},
        summary=f"上传附件“{shown}”",
    )
    return attachment


def path_of(attachment: Attachment) -> Path:
    # stored_name is ours (hex + a known suffix), never the user's, so it cannot climb out of the folder.
    return upload_dir() / attachment.stored_name


def remove(actor, attachment: Attachment) -> None:
    """Drop the record and the file; audited."""
    record(
        actor,
        "attachment.delete",
        attachment,
        before={"report_id": attachment.report_id, "name": attachment.original_name},
        summary=f"删除附件“{attachment.original_name}”",
    )
    attachment.report.attachments.remove(attachment)
    session.flush()
    path = path_of(attachment)
    after_commit(lambda: path.unlink(missing_ok=True))  # a rolled-back deletion keeps its file
