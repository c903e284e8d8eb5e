"""The register of definitions: each measure's key, Chinese name and the rule as users read it (口径说明)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Definition:
    key: str  # stable English key, used by code and tests, never shown
    name: str  # the Chinese name users see in headers
    rule: str  # the rule in one or two Chinese sentences, shown under tables and sheets
    group: str  # the heading it is listed under on the 口径说明 page


GROUPS = ("进度与预警", "进度报告", "投资", "项目评估", "指标评估")
_REGISTRY: dict[str, Definition] = {}


def define(key: str, name: str, rule: str, group: str) -> Definition:
    """Add one definition; a key may be defined only once."""
    if key in _REGISTRY:
        raise ValueError(f"definition {key!r} is defined twice")
    if group not in GROUPS:
        raise ValueError(f"unknown definition group {group!r}")
    definition = Definition(key, name, rule, group)
    _REGISTRY[key] = definition
    return definition


def get_definition(key: str) -> Definition:
    """One definition by key; a typo fails loudly."""
    return _REGISTRY[key]


def find_definition(key: str) -> Definition | None:
    """One definition by a key that came from outside (a URL): None when there is none."""
    return _REGISTRY.get(key)


def list_definitions() -> list[Definition]:
    """Every definition, grouped in the page's order, then in the order they were defined."""
    return sorted(_REGISTRY.values(), key=lambda d: GROUPS.index(d.group))


def notes_for(*keys: str) -> list[Definition]:
    """The definitions a table or sheet shows under it as its 口径说明, in the order asked."""
    return [_REGISTRY[k] for k in keys]


def note_text(*keys: str) -> str:
    """The 口径说明 of some measures as one paragraph, for a sheet's footer row."""
    return "口径说明：" + "".join(f"{d.name}：{d.rule}" for d in notes_for(*keys))
