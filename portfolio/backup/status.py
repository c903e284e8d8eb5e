"""The last backup this installation made: a small JSON file the backup command writes beside the uploads.

It lives outside the database on purpose: a row written after the snapshot would make the source differ
from every restore of it. It sits in the folder that holds UPLOAD_DIR (instance/ by default), not inside
it, so the next backup does not archive it. Unknown (no file, or an unreadable one) reads as None.
"""

import json
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from portfolio.backup.archive import Manifest
from portfolio.db import utcnow

STATUS_NAME = "last-backup.json"
# Older than this, the admin home asks whether the nightly backup still runs.
STALE_AFTER = timedelta(days=2)


@dataclass(frozen=True)
class BackupStatus:
    path: str
    created_at: datetime  # UTC
    size_bytes: int
    rows: int
    attachments: int

    @property
    def stale(self) -> bool:
        return utcnow() - self.created_at > STALE_AFTER


def status_file(upload_dir: str | Path) -> Path:
    return Path(upload_dir).resolve().parent / STATUS_NAME


def write_backup_status(upload_dir: str | Path, archive: Path, manifest: Manifest) -> None:
    """Remember the archive just written (replacing the previous record atomically)."""
    target = status_file(upload_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    record = {
        "path": str(archive.resolve()),
        "created_at": manifest.created_at,
        "size_bytes": archive.stat().st_size,
        "rows": sum(manifest.tables.values()),
        "attachments": sum(1 for name in manifest.files if name.startswith("files/")),
    }
    partial = target.with_name(target.name + ".partial")
    partial.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    os.replace(partial, target)


def read_backup_status(upload_dir: str | Path) -> BackupStatus | None:
    """The last backup if this installation has recorded one."""
    try:
        raw = json.loads(status_file(upload_dir).read_text(encoding="utf-8"))
        return BackupStatus(
            str(raw["path"]),
            datetime.fromisoformat(raw["created_at"]),
            int(raw["size_bytes"]),
            int(raw["rows"]),
            int(raw["attachments"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
