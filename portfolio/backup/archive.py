"""The archive's manifest, and the check that comes before any restore: format, members and checksums."""

import hashlib
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

from portfolio.errors import DomainError

FORMAT = "portfolio-backup/1"
MANIFEST = "manifest.json"
CHUNK = 1 << 20


class BackupRefused(DomainError):
    """An archive that must not be restored, or a target that must not be restored into."""


@dataclass
class Manifest:
    revision: str
    created_at: str
    database: str
    tables: dict[str, int]  # table -> row count
    files: dict[str, str]  # member name -> sha256

    @classmethod
    def from_json(cls, raw: dict) -> "Manifest":
        if raw.get("format") != FORMAT:
            raise BackupRefused(f"不是本系统的备份文件（格式应为 {FORMAT}）。")
        try:
            return cls(
                raw["schema_revision"], raw["created_at"], raw["database"], raw["tables"], raw["files"]
            )
        except KeyError as e:
            raise BackupRefused(f"备份清单缺少字段 {e.args[0]}，备份文件已损坏。") from e

    def to_json(self) -> dict:
        return {
            "format": FORMAT,
            "schema_revision": self.revision,
            "created_at": self.created_at,
            "database": self.database,
            "tables": self.tables,
            "files": self.files,
        }


def sha256_of(zf: zipfile.ZipFile, name: str) -> str:
    digest = hashlib.sha256()
    with zf.open(name) as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def verify_archive(path: Path) -> Manifest:
    """Open the archive and check every member against the manifest; any fault is a Chinese refusal."""
    try:
        with zipfile.ZipFile(path) as zf:
            manifest = Manifest.from_json(json.loads(zf.read(MANIFEST)))
            _check_members(zf, manifest)
    except FileNotFoundError as e:
        raise BackupRefused(f"找不到备份文件 {path}。") from e
    except (zipfile.BadZipFile, EOFError, OSError, zlib_error()) as e:
        raise BackupRefused("备份文件已损坏或不完整（可能在复制中被截断），未做任何修改。") from e
    except (KeyError, ValueError) as e:
        raise BackupRefused("备份文件缺少清单 manifest.json 或清单无法读取，未做任何修改。") from e
    return manifest


def _check_members(zf: zipfile.ZipFile, manifest: Manifest) -> None:
    present = set(zf.namelist()) - {MANIFEST}
    missing = sorted(set(manifest.files) - present)
    extra = sorted(present - set(manifest.files))
    if missing or extra:
        raise BackupRefused(
            f"备份文件内容与清单不符（缺少 {len(missing)} 个、多出 {len(extra)} 个文件），未做任何修改。"
        )
    for name, expected in manifest.files.items():
        if sha256_of(zf, name) != expected:
            raise BackupRefused(f"备份文件中的 {name} 校验值（sha256）不符，文件已损坏，未做任何修改。")
    for table in manifest.tables:
        if f"tables/{table}.jsonl" not in manifest.files:
            raise BackupRefused(f"备份清单列出的表 {table} 在备份文件中不存在，未做任何修改。")


def zlib_error():
    import zlib

    return zlib.error
