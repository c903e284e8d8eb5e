"""Funding columns a progress sheet (调度表) may add, chosen on the export page: measures × sources."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from portfolio.errors import DomainError
from portfolio.funding.parse import source_key, source_lookup
from portfolio.funding.queries import list_sources, planned_by_project, received_by_project
from portfolio.numbers import parse_int

MEASURES = {
    "planned": "计划资金（按来源）",
    "period": "本期到位资金",
    "cumulative": "累计到位资金",
}


@dataclass(frozen=True)
class FundingChoice:
    """What the user ticked: measures (keys of MEASURES) and source ids; empty means no funding columns."""

    measures: tuple[str, ...] = ()
    source_ids: tuple[int, ...] = ()

    @classmethod
    def from_args(cls, args) -> "FundingChoice":
        measures = tuple(m for m in MEASURES if m in args.getlist("fund"))
        ids = tuple(n for n in (parse_int(s) for s in args.getlist("src")) if n is not None)
        return cls(measures, ids)

    @classmethod
    def from_names(cls, plan_id: int, measures, names) -> "FundingChoice":
        """The command line's choice: measure keys and source names or aliases (none: every source)."""
        if names and not measures:
            raise DomainError(
                "指定资金来源时请同时用 --funding 选择资金口径（planned、period、cumulative）。"
            )
        sources = list_sources(plan_id)
        lookup = source_lookup(sources)
        ids = {s.name: s.id for s in sources}
        unknown = [n for n in names if source_key(n) not in lookup]
        if unknown:
            raise DomainError(f"找不到资金来源：{'、'.join(unknown)}。该规划的资金来源有：{'、'.join(ids)}。")
        chosen = tuple(dict.fromkeys(ids[lookup[source_key(n)]] for n in names))
        return cls(tuple(m for m in MEASURES if m in measures), chosen)

    def as_args(self) -> dict:
        return {"fund": list(self.measures), "src": list(self.source_ids)}


@dataclass(frozen=True)
class FundingColumn:
    key: str  # fund:<measure>:<source id>
    group: str  # the measure's header, spanning its sources
    header: str  # the source's name


def choose_columns(plan_id: int, choice: FundingChoice) -> list[FundingColumn]:
    """The columns in the plan's source order; no source ticked means every source."""
    if not choice.measures:
        return []
    sources = [s for s in list_sources(plan_id) if not choice.source_ids or s.id in choice.source_ids]
    return [FundingColumn(f"fund:{m}:{s.id}", MEASURES[m], s.name) for m in choice.measures for s in sources]


def funding_values(project_ids: list[int], as_of: date, period_id: int) -> dict[int, dict[str, Decimal]]:
    """project id → {column key: amount} for every measure and source (万元), approved reports only."""
    values: dict[int, dict[str, Decimal]] = {pid: {} for pid in project_ids}
    for pid, amounts in planned_by_project(project_ids).items():
        values[pid].update({f"fund:planned:{sid}": a for sid, a in amounts.items()})
    for pid, received in received_by_project(project_ids, as_of, period_id).items():
        for sid, r in received.items():
            if r.period_wan is not None:
                values[pid][f"fund:period:{sid}"] = r.period_wan
            values[pid][f"fund:cumulative:{sid}"] = r.cumulative_wan
    return values
