"""The on-screen report's project lists, paged: 滞后及未启动项目 and 评审意见 (and the comparison's changed
projects). At 10,000 projects each can run to thousands of rows (a 1.4 MB page); the page shows them 50 at a
time, the counts and groups above them still cover every project, and the workbook keeps every row.

Two lists page independently on one report, so each keeps the other's page in its links.
"""

from dataclasses import dataclass

from portfolio.data_version import remembered
from portfolio.db import session
from portfolio.evaluation.models import EvaluationRound
from portfolio.evaluation.snapshot import comment_rows, concern_rows
from portfolio.paging import ListPage, page_of, requested_page

LIST_SIZE = 50
LISTS = ("concerns", "notes")


@dataclass(frozen=True)
class ListLinks:
    """The pagination macro's filters: ?<name>=n for this list, the other lists' pages kept."""

    name: str
    pages: dict

    def as_args(self, page: int) -> dict:
        kept = {k: v for k, v in self.pages.items() if v > 1}
        return kept | {self.name: page}


def report_lists(round_: EvaluationRound, user, data: dict, args) -> dict[str, tuple[ListPage, ListLinks]]:
    """Each list's page as the query string asks (?concerns=2&notes=3), with its links."""
    rows = remembered(
        session,
        ("evaluation.report_lists", round_.id, user.id),
        lambda: {"concerns": concern_rows(data), "notes": comment_rows(data)},
    )
    paged = {name: page_of(rows[name], requested_page(args.get(name)), LIST_SIZE) for name in LISTS}
    shown = {name: page.page for name, page in paged.items()}
    return {name: (page, ListLinks(name, shown)) for name, page in paged.items()}
