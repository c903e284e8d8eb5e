"""One page of a list already in memory (a frozen report's rows, a comparison's changed projects).

Lists read from tables are paged in SQL by their own queries; these lists come whole from a document (a
finalized round's snapshot, the plan comparison remembered per data version), so only the rows shown are
rendered: at 10,000 projects the page stays the size of one page.
"""

from dataclasses import dataclass

from portfolio.numbers import parse_int


@dataclass(frozen=True)
class ListPage:
    rows: list
    total: int
    page: int  # the page shown
    pages: int
    requested: int  # the page asked for: past the end, the last page is shown and the page says so

    @property
    def past_end(self) -> bool:
        return self.requested > self.pages


def requested_page(value) -> int:
    """The page a query-string value asks for; missing, malformed, zero or negative is the first."""
    return max(parse_int(value) or 1, 1)


def page_of(rows: list, requested: int, size: int) -> ListPage:
    pages = max((len(rows) + size - 1) // size, 1)
    page = min(requested, pages)
    return ListPage(rows[(page - 1) * size : page * size], len(rows), page, pages, requested)
