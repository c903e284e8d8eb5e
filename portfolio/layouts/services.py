"""Saving layouts: validated, versioned and audited; shared between cities as small JSON files."""

import json

from portfolio.audit.services import record
from portfolio.db import session
from portfolio.errors import DomainError
from portfolio.layouts.describe import describe_layout
from portfolio.layouts.json_shape import shape_problems
from portfolio.layouts.models import SheetLayout, SheetLayoutVersion
from portfolio.layouts.queries import layout_named, list_all_sources, list_county_names
from portfolio.layouts.spec import LayoutSpec
from portfolio.layouts.validate import layout_problems

JSON_FORMAT = "portfolio-sheet-layout"
JSON_VERSION = 1
MAX_JSON_BYTES = 200_000


class LayoutRefused(DomainError):
    """A layout that cannot be saved; `problems` lists every reason."""

    def __init__(self, problems: list[str]):
        super().__init__("版式未保存：" + "；".join(problems))
        self.problems = problems


def check_layout(name: str, spec: LayoutSpec, ignore_id: int | None = None) -> None:
    """Refuse a layout with unknown fields, no columns, repeated headers or a name already taken."""
    problems = layout_problems(name, spec, {s.id for s in list_all_sources()}, set(list_county_names()))
    # PostgreSQL cannot even compare text holding NUL; such a name is refused above anyway.
    other = layout_named(name.strip()) if name.strip() and "\x00" not in name else None
    if other is not None and other.id != ignore_id:
        problems.insert(0, f"已有名为“{name.strip()}”的版式，请换一个名称。")
    if problems:
        raise LayoutRefused(problems)


def save_layout(
    actor, layout: SheetLayout | None, name: str, spec: LayoutSpec, expected_version: int | None = None
) -> SheetLayout:
    """Create a layout, or save a new version of the one `expected_version` was read from (another save
    in between is refused); the version before stays, and the change is audited."""
    name = name.strip()
    check_layout(name, spec, layout.id if layout else None)
    data = spec.as_dict()
    if layout is None:
        layout = SheetLayout(name=name, spec=data, version=1, builtin=False, updated_by_id=actor.id)
        session.add(layout)
        before = None
    else:
        # An edit names the version it started from; without one it could overwrite a newer save unseen.
        if expected_version != layout.version:
            raise DomainError("该版式已被他人修改，请刷新后重新编辑。")
        if layout.name == name and layout.spec == data:
            return layout
        before = _described(layout)
        layout.name, layout.spec, layout.version = name, data, layout.version + 1
        layout.updated_by_id = actor.id
    session.flush()
    session.add(SheetLayoutVersion(layout=layout, version=layout.version, spec=data, saved_by_id=actor.id))
    session.flush()
    record(
        actor,
        "layout.save",
        layout,
        before=before,
        after=_described(layout),
        summary=f"{'新建' if before is None else '修改'}报表版式“{name}”（第 {layout.version} 版）",
    )
    return layout


def _described(layout: SheetLayout) -> dict:
    """The layout as the audit log shows it (the spec itself is kept in its versions)."""
    spec = LayoutSpec.from_dict(layout.spec)
    return describe_layout(layout.name, layout.version, spec, list_all_sources())


def delete_layout(actor, layout: SheetLayout) -> None:
    """Remove a planner's layout and its versions (built-in layouts stay); audited with its last spec."""
    if layout.builtin:
        raise DomainError(f"“{layout.name}”是内置版式，不能删除。")
    record(
        actor,
        "layout.delete",
        layout,
        before=_described(layout),
        summary=f"删除报表版式“{layout.name}”",
    )
    session.delete(layout)
    session.flush()


def layout_json(layout: SheetLayout) -> bytes:
    """The layout as a small JSON file another city can import; funding sources go by name, not id."""
    sources = {str(s.id): s.name for s in list_all_sources()}
    spec = LayoutSpec.from_dict(layout.spec)
    for column in spec.columns:
        if column.key.startswith("fund:") and not column.key.endswith(":all"):
            head, _, sid = column.key.rpartition(":")
            column.key = f"{head}:@{sources.get(sid, sid)}"
    document = {"format": JSON_FORMAT, "version": JSON_VERSION, "name": layout.name, "spec": spec.as_dict()}
    return json.dumps(document, ensure_ascii=False, indent=2).encode()


def _source_ids_by_name(spec: LayoutSpec) -> list[str]:
    """Turn `fund:<measure>:@<source name>` back into this city's source ids; report names not found."""
    by_name = {}
    for s in list_all_sources():
        by_name.setdefault(s.name, s.id)
    missing = []
    for column in spec.columns:
        head, _, which = column.key.rpartition(":")
        if column.key.startswith("fund:") and which.startswith("@"):
            if which[1:] in by_name:
                column.key = f"{head}:{by_name[which[1:]]}"
            else:
                missing.append(f"资金来源“{which[1:]}”在本系统中不存在。")
    return missing


def read_layout_json(data: bytes) -> tuple[str, LayoutSpec]:
    """Parse an exported layout file; a file that is not one is refused with a message."""
    if len(data) > MAX_JSON_BYTES:
        raise DomainError("版式文件过大，不是本系统导出的版式文件。")
    unreadable = DomainError("无法读取版式文件：请选择本系统“导出 JSON”得到的 .json 文件。")
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (ValueError, RecursionError) as e:  # RecursionError: arrays nested thousands deep
        raise unreadable from e
    if not isinstance(document, dict) or document.get("format") != JSON_FORMAT:
        raise unreadable
    found = document.get("version")
    if found != JSON_VERSION or isinstance(found, bool):
        which = "没有注明格式版本" if found is None else f"的格式版本是“{found}”"
        raise DomainError(f"版式文件{which}，本系统只能读取第 {JSON_VERSION} 版；请用同版本的系统导出。")
    problems = shape_problems(document)
    if problems:
        raise LayoutRefused([f"版式文件中{p}" for p in problems])
    try:
        name, spec = str(document.get("name") or ""), LayoutSpec.from_dict(document["spec"])
    except (ValueError, TypeError, KeyError, AttributeError) as e:
        raise unreadable from e
    missing = _source_ids_by_name(spec)
    if missing:
        raise LayoutRefused(missing)
    return name, spec


def import_layout(actor, data: bytes, name: str | None = None) -> SheetLayout:
    """A new layout from a JSON file, under its own name or the one given; never overwrites another."""
    found_name, spec = read_layout_json(data)
    return save_layout(actor, None, (name or found_name).strip(), spec)
