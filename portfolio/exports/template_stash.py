"""An uploaded template kept on disk between its preview and the officer's confirmation."""

import re
import secrets
import time
from pathlib import Path

from portfolio.exports.template_columns import RefusedTemplate

TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")
STASH_SECONDS = 24 * 3600


def stash_upload(upload_dir: str, user_id: int, data: bytes) -> str:
    """Keep an uploaded template between its preview and the confirmation; returns a token naming it."""
    folder = Path(upload_dir) / "template-uploads"
    folder.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - STASH_SECONDS
    for old in folder.glob("*.xlsx"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    token = secrets.token_urlsafe(24)
    (folder / f"{user_id}-{token}.xlsx").write_bytes(data)
    return token


def take_upload(upload_dir: str, user_id: int, token: str) -> bytes:
    """The stashed upload of this user, removed from the stash; a stale or foreign token is refused."""
    path = Path(upload_dir) / "template-uploads" / f"{user_id}-{token}.xlsx"
    if not TOKEN.fullmatch(token or "") or not path.is_file():
        raise RefusedTemplate("预览已过期或不存在，请重新上传填好的模板。")
    data = path.read_bytes()
    path.unlink(missing_ok=True)
    return data
