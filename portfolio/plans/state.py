"""Whether a plan may still change: a closed plan is read-only except for its evaluation."""

from portfolio.errors import DomainError


class PlanClosed(DomainError):
    status = 409


def plan_choices(plans, label=lambda plan: plan.name) -> list[tuple]:
    """Choices for a select of plans to write to: a closed plan is listed, marked and not selectable.

    It stays a valid choice so that a form opened before the plan closed gets ensure_plan_open's message.
    """
    return [
        (p.id, label(p), {}) if p.closed_at is None else (p.id, f"{label(p)}（已关闭）", {"disabled": True})
        for p in plans
    ]


def ensure_plan_open(plan) -> None:
    """Refuse any change to a closed plan's register, reports, periods or structure."""
    if plan is not None and plan.closed_at is not None:
        raise PlanClosed(f"规划“{plan.short_name}”已关闭，只能查看和开展评估，不能再导入、填报或修改。")
