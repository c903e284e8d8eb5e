"""The upload folder against the rows that name its files: orphan files and missing files.

Every table with a `stored_name` column (report attachments, 督办 answer files, and any added later)
names files at the top of UPLOAD_DIR; sub-folders (annex staging, stashed templates) are working space
and are not looked at.
"""

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from portfolio.db import Base, session


@dataclass
class FileCheck:
    orphans: list[Path] = field(default_factory=list)  # files no row names
    missing: list[tuple[str, str]] = field(default_factory=list)  # (table, stored name) without a file
    known: int = 0

    @property
    def orphan_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.orphans if p.exists())


def list_stored_names() -> dict[str, str]:
    """stored name → table, for every row of every table that names a file."""
    names = {}
    for table in Base.metadata.sorted_tables:
        if "stored_name" in table.c:
            for name in session.scalars(select(table.c.stored_name)):
                names[name] = table.name
    return names


def check_files(folder: Path) -> FileCheck:
    """Compare the folder's files with the rows naming them."""
    names = list_stored_names()
    on_disk = {p.name: p for p in folder.iterdir() if p.is_file()} if folder.is_dir() else {}
    return FileCheck(
        orphans=sorted(p for n, p in on_disk.items() if n not in names and not n.startswith(".")),
        missing=sorted((table, n) for n, table in names.items() if n not in on_disk),
        known=len(names),
    )


def remove_orphans(found: FileCheck) -> int:
    """Delete the orphan files of a check; returns how many went."""
    removed = 0
    for path in found.orphans:
        path.unlink(missing_ok=True)
        removed += 1
    return removed
