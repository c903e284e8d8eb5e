"""Checks across a row's values and across rows. Each adds an Issue; nothing stops early.

Errors (the file is refused): a missing name, an unreadable or negative amount, 规划期投资 above the total,
an unreadable or reversed year range or month, implausible years, a duplicate name within a sub-category,
an unknown category, completed investment without (or with an implausible) as-of date.
Warnings (the file imports): annual plans that do not add up to the 规划期 investment, a project outside
the plan's years, missing amounts/locations/units, unknown locations, category rows whose totals differ
from their projects, months outside the construction years, unknown columns, completed investment above
the total.
"""

from collections import defaultdict
from decimal import Decimal
from functools import lru_cache

from portfolio.annex.classify import PlanContext
from portfolio.annex.fingerprint import SkippedRow
from portfolio.annex.parse import Parsed
from portfolio.annex.report import ERROR, WARNING, Issue, ProjectRecord, wan
from portfolio.fields import FIELDS, span_label
from portfolio.projects.pre_tracking import over_total_warning

# Annexes round 规划期 investment and annual plans to whole 万元; differences below this are rounding.
ROUNDING_WAN = Decimal("1")
PLAUSIBLE_YEARS_AROUND_PLAN = 20
NAME_MAX = 300


def check(parsed: Parsed, ctx: PlanContext) -> None:
    """Run every row check, then the duplicate-name and the category-total checks.

    A skipped row is not checked: it raised no issue the last time, with the same cells and rules."""
    annual_columns: dict[int, bool] = {}  # records of one sheet share one columns dict
    for record in parsed.records:
        if type(record) is SkippedRow:
            continue
        key = id(record.columns)
        if key not in annual_columns:
            annual_columns[key] = any(k.startswith("annual:") for k in record.columns)
        RowChecker(record, ctx, parsed.issues, annual_columns[key]).run()
    _duplicates(parsed)
    _totals(parsed, ctx)


class RowChecker:
    def __init__(self, record: ProjectRecord, ctx: PlanContext, issues: list[Issue], annual_columns: bool):
        self.r, self.ctx, self.issues = record, ctx, issues
        self.annual_columns = annual_columns  # whether the record's sheet has annual plan columns

    def add(self, severity: str, code: str, key: str, message: str, value=None) -> None:
        letter, header = self.r.columns.get(key, (None, None))
        self.issues.append(Issue(severity, code, message, self.r.sheet, self.r.row, letter, header, value))

    def _label(self, key: str) -> str:
        return span_label(self.ctx.span_name) if key == "span_investment_wan" else FIELDS[key].label

    def run(self) -> None:
        r = self.r
        if not r.name:
            self.add(ERROR, "missing-value", "name", "项目名称不能为空。")
        elif len(r.name) > NAME_MAX:
            self.add(ERROR, "too-long", "name", f"项目名称超过 {NAME_MAX} 字。", r.name)
        self._money()
        self._years()
        self._months()
        if not r.locations:
            self.add(WARNING, "missing-value", "locations", "未填写建设地点。")
        unknown = [n for n in r.locations if n not in self.ctx.locations]
        if unknown:
            self.add(
                WARNING,
                "unknown-location",
                "locations",
                f"建设地点“{'、'.join(unknown)}”不是本市县区名称，已忽略。",
                "、".join(unknown),
            )
        if not r.units:
            self.add(WARNING, "missing-value", "units", "未填写责任单位。")

    def _money(self) -> None:
        r, span = self.r, self.ctx.span_name
        for key in ("total_investment_wan", "span_investment_wan"):
            if getattr(r, key) is None and key in r.columns and key not in r.unreadable:
                self.add(WARNING, "missing-value", key, f"未填写{self._label(key)}。")
        total, span_wan = r.total_investment_wan, r.span_investment_wan
        if total is not None and span_wan is not None and span_wan > total + ROUNDING_WAN:
            self.add(
                ERROR,
                "fyp-exceeds-total",
                "span_investment_wan",
                f"“{span}”投资 {wan(span_wan)} 万元超过总投资 {wan(total)} 万元。",
                span_wan,
            )
        self._pre_tracking()
        planned = [a for a in r.annual_plan_wan.values() if a is not None]
        if span_wan is not None and self.annual_columns:
            planned_sum = sum(planned, Decimal(0))
            if abs(planned_sum - span_wan) > ROUNDING_WAN * max(1, len(planned)):
                self.add(
                    WARNING,
                    "annual-sum-mismatch",
                    "span_investment_wan",
                    f"分年度投资计划合计 {wan(planned_sum)} 万元与“{span}”投资 {wan(span_wan)} 万元不一致。",
                    span_wan,
                )

    def _pre_tracking(self) -> None:
        """Completed before tracking: above the total is kept with a warning; the date must be plausible."""
        r, key = self.r, "pre_tracking_invested_wan"
        done, total = r.pre_tracking_invested_wan, r.total_investment_wan
        if done is None:
            return
        warning = over_total_warning(done, total)
        if warning:
            self.add(WARNING, "pre-tracking-exceeds-total", key, warning, done)
        year, as_of = r.pre_tracking_as_of.year, r.pre_tracking_as_of.isoformat()
        if not self.ctx.years[0] - PLAUSIBLE_YEARS_AROUND_PLAN <= year <= self.ctx.years[-1]:
            self.add(
                ERROR,
                "implausible-year",
                key,
                f"截至日期 {as_of} 不合理（应在规划末年 {self.ctx.years[-1]} 年以前）。",
                as_of,
            )

    def _years(self) -> None:
        r, ctx = self.r, self.ctx
        if r.start_year is None:
            if "years" in r.columns and "years" not in r.unreadable:
                self.add(WARNING, "missing-value", "years", "未填写建设起止年限。")
            return
        low = ctx.years[0] - PLAUSIBLE_YEARS_AROUND_PLAN
        high = ctx.years[-1] + PLAUSIBLE_YEARS_AROUND_PLAN
        value = f"{r.start_year}-{r.end_year}"
        if not (low <= r.start_year <= high and low <= r.end_year <= high):
            self.add(
                ERROR,
                "implausible-year",
                "years",
                f"建设年限 {value} 不合理（应在 {low}–{high} 年之间）。",
                value,
            )
        elif r.start_year > r.end_year:
            self.add(ERROR, "start-after-end", "years", f"建设年限 {value} 的起始年份晚于结束年份。", value)
        elif r.end_year < ctx.years[0] or r.start_year > ctx.years[-1]:
            self.add(
                WARNING,
                "outside-plan-span",
                "years",
                f"建设年限 {value} 不在规划期 {ctx.years[0]}–{ctx.years[-1]} 年内。",
                value,
            )

    def _months(self) -> None:
        r, ctx = self.r, self.ctx
        low = ctx.years[0] - PLAUSIBLE_YEARS_AROUND_PLAN
        high = ctx.years[-1] + PLAUSIBLE_YEARS_AROUND_PLAN
        for key, value in (("planned_start", r.planned_start), ("planned_end", r.planned_end)):
            if value is not None and not low <= value.year <= high:
                self.add(
                    ERROR,
                    "implausible-year",
                    key,
                    f"时间 {value.year}年{value.month}月 不合理。",
                    value.isoformat(),
                )
        if r.planned_start and r.planned_end and r.planned_start > r.planned_end:
            self.add(
                ERROR,
                "start-after-end",
                "planned_end",
                "计划竣工时间早于计划开工时间。",
                r.planned_end.isoformat(),
            )
        if r.start_year and r.planned_start and r.planned_start.year != r.start_year:
            self.add(
                WARNING,
                "month-year-mismatch",
                "planned_start",
                f"计划开工时间 {r.planned_start.year} 年与建设起始年份 {r.start_year} 年不一致。",
            )
        if r.end_year and r.planned_end and r.planned_end.year != r.end_year:
            self.add(
                WARNING,
                "month-year-mismatch",
                "planned_end",
                f"计划竣工时间 {r.planned_end.year} 年与建设结束年份 {r.end_year} 年不一致。",
            )


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    return "".join(name.split()).replace("（", "(").replace("）", ")").lower()


def _duplicates(parsed: Parsed) -> None:
    first: dict[tuple, ProjectRecord] = {}
    for r in parsed.records:
        if not r.name:
            continue
        key = (r.category, r.subcategory, name_key(r.name))
        if key in first:
            letter, header = r.columns.get("name", (None, None))
            seen = first[key]
            parsed.issues.append(
                Issue(
                    ERROR,
                    "duplicate-name",
                    f"项目名称与同一子类中第 {seen.row} 行（{seen.sheet}）重复。",
                    r.sheet,
                    r.row,
                    letter,
                    header,
                    r.name,
                )
            )
        else:
            first[key] = r


def _totals(parsed: Parsed, ctx: PlanContext) -> None:
    """Each category row (and the 合计 row) against the sum of the projects it covers."""
    counts: dict[int | None, int] = defaultdict(int)
    for r in parsed.records:
        counts[r.category] += 1
    counts[None] = len(parsed.records)
    stated = any(a is not None for agg in parsed.aggregates for a in agg.amounts.values())
    sums = _sums(parsed, ctx) if stated else {}  # only when a row states amounts: skipped rows stay unread
    _compare(parsed, ctx, counts, sums)


def _sums(parsed: Parsed, ctx: PlanContext) -> dict[int | None, dict[str, Decimal]]:
    sums: dict[int | None, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    keys = {year: f"annual:{year}" for year in ctx.years}
    for r in parsed.records:
        for group in (r.category, None):
            bucket = sums[group]
            bucket["total_investment_wan"] += r.total_investment_wan or 0
            bucket["span_investment_wan"] += r.span_investment_wan or 0
            for year, amount in r.annual_plan_wan.items():
                if amount is not None:
                    bucket[keys.get(year) or f"annual:{year}"] += amount
    return sums


def _compare(parsed: Parsed, ctx: PlanContext, counts: dict, sums: dict) -> None:
    for agg in parsed.aggregates:
        label = "合计" if agg.category is None else ctx.categories[agg.category]
        if agg.declared_count is not None and agg.declared_count != counts[agg.category]:
            parsed.issues.append(
                Issue(
                    WARNING,
                    "count-mismatch",
                    f"{label}标注 {agg.declared_count} 项，实际读到 {counts[agg.category]} 个项目。",
                    agg.sheet,
                    agg.row,
                    None,
                    None,
                    agg.declared_count,
                )
            )
        for key, stated in agg.amounts.items():
            if stated is None:
                continue
            actual = sums[agg.category][key]
            if abs(stated - actual) > ROUNDING_WAN:
                letter, header = agg.columns[key]
                parsed.issues.append(
                    Issue(
                        WARNING,
                        "total-mismatch",
                        f"{label}行的“{header}”为 {wan(stated)} 万元，其下项目合计 {wan(actual)} 万元。",
                        agg.sheet,
                        agg.row,
                        letter,
                        header,
                        stated,
                    )
                )
