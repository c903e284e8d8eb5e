"""The filters the dashboard and the status-history grid share: plan, period, category and county."""

from dataclasses import dataclass, field

from portfolio.numbers import parse_int
from portfolio.projects.queries import ProjectFilters


@dataclass(frozen=True)
class BoardFilters:
    """Plan, category and county as on the project list, plus a reporting period (None: the latest)."""

    projects: ProjectFilters = field(default_factory=ProjectFilters)
    period_id: int | None = None

    @classmethod
    def from_args(cls, args) -> "BoardFilters":
        base = ProjectFilters.from_args(args)
        raw = (args.get("period") or "").strip()
        return cls(
            ProjectFilters(plan_id=base.plan_id, category_id=base.category_id, county_id=base.county_id),
            parse_int(raw),
        )

    def as_args(self, **changes) -> dict:
        values = {
            "plan": self.projects.plan_id,
            "category": self.projects.category_id,
            "county": self.projects.county_id,
            "period": self.period_id,
        }
        values.update(changes)
        return {k: v for k, v in values.items() if v not in (None, "")}
