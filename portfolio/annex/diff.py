"""Matching file records to stored projects and comparing them field by field.

The matching rule, in order (each stored project is matched at most once):
1. same plan, category, sub-category and name (names compared without spaces, （）and () alike);
2. same category and name: the project moved to another sub-category;
3. same category and 序号, when the file's name is new and the stored name is absent from the file:
   the project was renamed in place.
Stored projects of the plan left unmatched (and not already 调出) are withdrawn.
A skipped row (fingerprint.py) is already matched to its project: neither takes part, and the caller leaves
that project out of `projects`.
"""

from dataclasses import dataclass, field

from portfolio.annex.fingerprint import SkippedRow
from portfolio.annex.report import CREATED, RENUMBERED, UNCHANGED, UPDATED, ProjectRecord
from portfolio.annex.stored import StoredProject
from portfolio.annex.validate import name_key
from portfolio.projects.models import LifecycleStatus


@dataclass
class Diff:
    matched: dict[int, StoredProject] = field(default_factory=dict)  # index in records -> project
    withdrawn: list[StoredProject] = field(default_factory=list)
    restored: set[int] = field(default_factory=set)  # record indexes whose project was 调出


def _same(key: str, old, new) -> bool:
    if key == "locations":
        return sorted(old) == sorted(new)
    return old == new


def match(records: list[ProjectRecord], projects: list[StoredProject]) -> Diff:
    """Pair records with stored projects by the three rules above."""
    diff = Diff()
    if not projects:  # every record is new (or skipped)
        return diff
    file_names = {(r.category, name_key(r.name)) for r in records}
    records = [None if type(r) is SkippedRow else r for r in records]  # indexes stay those of the file
    by_key = {(p.category_number, p.subcategory_name, name_key(p.name)): p for p in projects}
    used: set[int] = set()
    for i, r in enumerate(records):
        if r is None:
            continue
        p = by_key.get((r.category, r.subcategory, name_key(r.name)))
        if p is not None and p.id not in used:
            diff.matched[i] = p
            used.add(p.id)
    _match_loose(
        records,
        projects,
        diff,
        used,
        lambda r: (r.category, name_key(r.name)),
        lambda p: (p.category_number, name_key(p.name)),
    )
    renamable = [p for p in projects if (p.category_number, name_key(p.name)) not in file_names]
    _match_loose(
        records,
        renamable,
        diff,
        used,
        lambda r: (r.category, r.seq_no) if r.seq_no and r.name else None,
        lambda p: (p.category_number, p.seq_no) if p.seq_no else None,
    )
    diff.withdrawn = [p for p in projects if p.id not in used and p.status != LifecycleStatus.WITHDRAWN]
    diff.restored = {i for i, p in diff.matched.items() if p.status == LifecycleStatus.WITHDRAWN}
    return diff


def _match_loose(records, projects, diff: Diff, used: set[int], record_key, project_key) -> None:
    """Match what is left by a looser key, only where the key is unique on both sides."""
    candidates: dict = {}
    for p in projects:
        if p.id not in used and (key := project_key(p)) is not None:
            candidates.setdefault(key, []).append(p)
    wanted: dict = {}
    for i, r in enumerate(records):
        if r is not None and i not in diff.matched and (key := record_key(r)) is not None:
            wanted.setdefault(key, []).append(i)
    for key, indexes in wanted.items():
        found = candidates.get(key, [])
        if len(indexes) == 1 and len(found) == 1:
            diff.matched[indexes[0]] = found[0]
            used.add(found[0].id)


def apply_actions(records: list[ProjectRecord], diff: Diff) -> None:
    """Set each record's action and, for updates, its changed fields (old, new)."""
    for i, r in enumerate(records):
        if type(r) is SkippedRow:
            continue
        p = diff.matched.get(i)
        if p is None:
            r.action, r.project_id = CREATED, None
            continue
        r.project_id = p.id
        old, new = p.values, r.comparable()
        r.changes = {k: (old[k], new[k]) for k in new if not _same(k, old[k], new[k])}
        if i in diff.restored:
            r.changes["status"] = (LifecycleStatus.WITHDRAWN.label, LifecycleStatus.PLANNING.label)
        if not r.changes:
            r.action = UNCHANGED
        elif r.changes.keys() == {"seq_no"}:  # rows inserted or removed above it moved its number
            r.action = RENUMBERED
        else:
            r.action = UPDATED
