"""Sections other domains add to the home pages (for example open 督办 items), without home importing them.

A domain calls `add_section` when its views module loads; the home page renders every section whose roles
include the user's and whose loader returns something. The loader gets (user, today) and returns the
context its template needs, or None when there is nothing to show.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class HomeSection:
    name: str
    roles: frozenset
    template: str  # included with `section` (this object) and `data` (the loader's result)
    loader: Callable[[object, date], object | None]
    order: int = 50


_SECTIONS: dict[str, HomeSection] = {}


def add_section(section: HomeSection) -> None:
    """Register (or replace, by name) a section of the home pages."""
    _SECTIONS[section.name] = section


def sections_for(user, today: date) -> list[tuple[HomeSection, object]]:
    """The sections this user's role sees today, each with its loaded data; empty ones are left out."""
    shown = []
    for section in sorted(_SECTIONS.values(), key=lambda s: (s.order, s.name)):
        if user.role in section.roles:
            data = section.loader(user, today)
            if data:
                shown.append((section, data))
    return shown
