"""Which annex rows a re-import may skip: those the project was last imported from, unchanged since.

A project imported from a row without any issue keeps "<version>:<digest>" in import_fingerprint. The digest
covers the row's raw cells, its sheet and row number, its category and sub-category, the sheet's column
mapping, what the importer knows of the plan (categories, span, locations, funding sources) and the source
of the modules that read and check rows. The version is the project's own: every edit in the app bumps it,
so an edited project is read and compared again, and shows as updated exactly as before.

A skipped row reads as its SkippedRow record: unchanged, matched to its project, and parsed only if
something (the JSON report, a category row's stated amounts) asks for its values.
"""

import hashlib
import pickle
import sys
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path

from sqlalchemy import select

from portfolio.annex.report import UNCHANGED, ProjectRecord
from portfolio.db import session
from portfolio.projects.models import LifecycleStatus, Project

DIGEST_BYTES = 16


@lru_cache(maxsize=1)
def rules_digest() -> bytes:
    """The source of the modules that turn cells into values or issues, and the Python that pickles them."""
    here = Path(__file__).resolve().parent
    sources = [*sorted(here.glob("*.py")), here.parent / "numbers.py", here.parent / "funding" / "parse.py"]
    digest = hashlib.blake2b(repr(sys.version_info).encode(), digest_size=DIGEST_BYTES)
    for source in sources:
        digest.update(source.read_bytes())
    return digest.digest()


def sheet_salt(sheet_name: str, header, ctx) -> bytes:
    """One sheet's column mapping and the plan context, salted with the rules: computed once per sheet."""
    context = (
        ctx.span_name,
        ctx.years,
        sorted(ctx.categories.items()),
        sorted(ctx.category_keys.items()),
        sorted((n, sorted(s.items())) for n, s in ctx.subcategories.items()),
        sorted(ctx.locations.items()),
        sorted(ctx.county_names),
        sorted(ctx.funding.items()),
    )
    mapping = (sheet_name, header.columns, header.scale, header.as_of, header.first_row, header.last_row)
    return hashlib.blake2b(
        repr((context, mapping)).encode(), digest_size=DIGEST_BYTES, key=rules_digest()
    ).digest()


def row_digest(salt: bytes, row_no: int, category: int, subcategory: str | None, cells: list) -> str:
    raw = pickle.dumps((row_no, category, subcategory, cells), 5)
    return hashlib.blake2b(raw, digest_size=DIGEST_BYTES, key=salt).hexdigest()


def stamp(version: int, digest: str | None) -> str | None:
    return f"{version}:{digest}" if digest else None


@dataclass
class Known:
    """The plan's projects as a re-import needs them before reading the file."""

    by_digest: dict[str, int] = field(default_factory=dict)  # a skippable row's digest -> project id
    ids: list[int] = field(default_factory=list)  # every project of the plan
    open_ids: list[int] = field(default_factory=list)  # those not 调出


def load_known(plan_id: int) -> Known:
    """One narrow query: each project's id, status, version and fingerprint."""
    known = Known()
    query = select(Project.id, Project.status, Project.version, Project.import_fingerprint).where(
        Project.plan_id == plan_id
    )
    for pid, status, version, fingerprint in session.connection().execute(query).all():
        known.ids.append(pid)
        if status == LifecycleStatus.WITHDRAWN:
            continue
        known.open_ids.append(pid)
        if fingerprint:
            stamped_version, _, digest = fingerprint.partition(":")
            if stamped_version == str(version):
                known.by_digest[digest] = pid
    return known


class _ReadOnFirstUse:
    """A SkippedRow field not set yet: reading it reads the row (then the instance's own value wins)."""

    def __set_name__(self, owner, name: str) -> None:
        self.name = name

    def __get__(self, record, owner=None):
        if record is None:
            return self
        record.read_row()
        return record.__dict__[self.name]


class SkippedRow(ProjectRecord):
    """A row whose digest matches its project's fingerprint: unchanged, read only when its values are asked.

    The dataclass __init__ is not run: the identifying attributes are set here, every other field is read
    from the row the first time one of them is asked for."""

    def __init__(self, reader, locations: dict[str, str], row_no: int, cells: list, category, subcategory):
        self.sheet, self.row, self.category, self.subcategory = reader.sheet, row_no, category, subcategory
        self.name = reader.name_of(cells) or ""
        self.columns, self.unreadable, self.changes = reader.refs, set(), {}
        self.action, self.project_id, self.fingerprint = UNCHANGED, None, None
        self._pending = (reader, locations, cells)

    def read_row(self) -> None:
        pending = self.__dict__.pop("_pending", None)
        if pending is None:
            return
        reader, locations, cells = pending
        full = reader.read(self.row, cells, self.category, self.subcategory, [])
        full.locations = [locations[n] for n in full.locations if n in locations]
        for name, value in vars(full).items():
            self.__dict__.setdefault(name, value)


EAGER = {"sheet", "row", "category", "subcategory", "name", "columns", "unreadable", "changes", "action"}
EAGER |= {"project_id", "fingerprint"}
for _field in fields(ProjectRecord):
    if _field.name not in EAGER:
        descriptor = _ReadOnFirstUse()
        setattr(SkippedRow, _field.name, descriptor)
        descriptor.__set_name__(SkippedRow, _field.name)
