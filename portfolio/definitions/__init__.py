"""Every measure the tracker shows, defined once.

Each definition has a key, a Chinese name and the rule as users read it (口径说明); where a figure is
computed, the function that computes it sits beside its definition. Pages, sheets, the API and the
evaluation read from here, and the 口径说明 page lists them all. To add a measure, call `define()` in
the module of its group (or a new module imported below) and use its key in the tables that show it.
"""

from portfolio.definitions import evaluation, funding, investment, reports, schedule, supervision
from portfolio.definitions.registry import (
    GROUPS,
    Definition,
    define,
    find_definition,
    get_definition,
    list_definitions,
    note_text,
    notes_for,
)

__all__ = [
    "GROUPS",
    "Definition",
    "define",
    "evaluation",
    "find_definition",
    "funding",
    "get_definition",
    "investment",
    "list_definitions",
    "note_text",
    "notes_for",
    "reports",
    "schedule",
    "supervision",
]
