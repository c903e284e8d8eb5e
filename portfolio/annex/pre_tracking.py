"""Reading 纳入系统前已完成投资 from an annex: a 开工至今完成投资 / 截至X年底累计完成投资 column and its date.

The amount is stored where a planner's manual entry stores it (Project.pre_tracking_invested_wan and
pre_tracking_as_of). A blank cell says nothing: the register keeps what a planner entered.
"""

from portfolio.annex import values
from portfolio.annex.header import PRE_TRACKING, Header
from portfolio.annex.report import ERROR, Issue, ProjectRecord


class PreTrackingReader:
    """The completed-investment column of one sheet, with its as-of date from the header or a 截至 line."""

    def __init__(self, header: Header, sheet: str):
        self.sheet = sheet
        self.column = header.fields.get(PRE_TRACKING)
        self.scale = (self.column.scale or header.scale) if self.column else None
        self.as_of = (self.column.as_of or header.as_of) if self.column else None
        self.undated_reported = False

    def read(self, record: ProjectRecord, cells: list, issues: list[Issue]) -> None:
        col = self.column
        if col is None or cells[col.index] is None:
            return
        raw = cells[col.index]
        try:
            amount = values.money(raw, self.scale)  # the one money rule: finite, not negative, bounded
        except values.ValueProblem as p:
            record.unreadable.add(PRE_TRACKING)
            issue = Issue(ERROR, p.code, p.message, self.sheet, record.row, col.letter, col.header, raw)
            issues.append(issue)
            return
        if amount is None:
            return
        if self.as_of is None:
            record.unreadable.add(PRE_TRACKING)
            self._undated(record, issues)
            return
        record.pre_tracking_invested_wan, record.pre_tracking_as_of = amount, self.as_of

    def _undated(self, record: ProjectRecord, issues: list[Issue]) -> None:
        """One error per sheet: the column, not each of its cells, lacks the date."""
        if self.undated_reported:
            return
        self.undated_reported = True
        col = self.column
        issues.append(
            Issue(
                ERROR,
                "pre-tracking-no-date",
                f"“{col.header}”列没有注明截至日期，无法确定是哪一天以前完成的投资。"
                "请在表头中写明（如“截至2020年底累计完成投资”），或在表头上方加一行“数据截至2020年12月31日”。",
                self.sheet,
                record.row,
                col.letter,
                col.header,
            )
        )
