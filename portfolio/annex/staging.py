"""Uploaded annexes kept server-side between the preview and the confirm, keyed by their sha256.

The confirm step names only the sha256: the file it imports is the one the server previewed, never
data sent back by the browser.
"""

import hashlib
import json
import re
import time
from pathlib import Path

from portfolio.errors import DomainError

KEEP_SECONDS = 24 * 3600
SHA = re.compile(r"^[0-9a-f]{64}$")


class StagedFileMissing(DomainError):
    status = 400


def stage(directory: Path, data: bytes, filename: str, user_id: int | None) -> str:
    """Keep the file (and its original name) under its sha256; old staged files are swept."""
    directory.mkdir(parents=True, exist_ok=True)
    _sweep(directory)
    sha = hashlib.sha256(data).hexdigest()
    (directory / f"{sha}.xlsx").write_bytes(data)
    meta = {"filename": Path(filename or "annex.xlsx").name[:255], "user_id": user_id}
    (directory / f"{sha}.json").write_text(json.dumps(meta, ensure_ascii=False))
    return sha


def load(directory: Path, sha: str) -> tuple[bytes, str]:
    """The staged file's bytes and original name; a clear error when it is gone or the key is bad."""
    if not SHA.match(sha or ""):
        raise StagedFileMissing("预览已失效，请重新上传附件。")
    path = directory / f"{sha}.xlsx"
    if not path.exists():
        raise StagedFileMissing("预览已过期或文件已被清理，请重新上传附件。")
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != sha:
        raise StagedFileMissing("暂存的附件已损坏，请重新上传。")
    meta_path = directory / f"{sha}.json"
    meta = json.loads(meta_path.read_text()) if meta_path.exists() else {}
    return data, meta.get("filename") or "annex.xlsx"


def discard(directory: Path, sha: str) -> None:
    if SHA.match(sha or ""):
        for suffix in (".xlsx", ".json"):
            (directory / f"{sha}{suffix}").unlink(missing_ok=True)


def _sweep(directory: Path) -> None:
    cutoff = time.time() - KEEP_SECONDS
    for path in directory.glob("*.*"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
        except OSError:
            continue
