"""The report's plan adjustments (规划调整): the original plan (frozen baseline) beside the adjusted plan.

Built from portfolio.adjustments (the 规划调整情况表's own report) into the report's JSON-ready dict, so a
finalized round keeps the adjustments as they stood when it was signed. Amounts per project are kept too,
so a county officer's copy can total only that officer's projects (evaluation.scope).
"""

from decimal import Decimal

from portfolio.adjustments.queries import get_adjustment_report, get_baseline
from portfolio.adjustments.snapshot import as_decimal
from portfolio.projects.models import Plan

ZERO = Decimal(0)


def _amounts(values: dict | None) -> list[str | None]:
    """[total, span] of a member project; [None, None] when the project is not (or no longer) in the plan."""
    if not values or not values["member"]:
        return [None, None]
    return [values["total_investment_wan"], values["span_investment_wan"]]


def _notes(events) -> str:
    seen = dict.fromkeys(f"{e.reason}（{e.doc_number}）" for e in events)
    return "；".join(seen)


def _row(row, labels: dict) -> dict:
    baseline, current = _amounts(row.baseline), _amounts(row.current)
    return {
        "project_id": row.project_id,
        "name": row.name,
        "kind": row.kind.value,
        "kind_label": row.kind.label,
        "fields": "、".join(labels[k] for k in row.fields),
        "baseline_total_wan": baseline[0],
        "baseline_span_wan": baseline[1],
        "current_total_wan": current[0],
        "current_span_wan": current[1],
        "notes": _notes(row.adjustments),
    }


def adjustment_section(plan: Plan) -> dict | None:
    """The plan's adjustments for the report: None while the plan has no baseline (asked first: without
    one, the adjustment report still sums the current plan, 10,000 rows the section never shows)."""
    if get_baseline(plan) is None:
        return None
    report = get_adjustment_report(plan)
    ids = sorted(report.baseline_values.keys() | report.current_values.keys())
    amounts = [
        [pid, *_amounts(report.baseline_values.get(pid)), *_amounts(report.current_values.get(pid))]
        for pid in ids
    ]
    section = {
        "frozen_at": report.baseline.frozen_at.isoformat(timespec="seconds"),
        "rows": [_row(r, report.labels) for r in report.rows],
        "amounts": amounts,
    }
    return section | adjustment_totals(section, None)


def adjustment_totals(section: dict, visible: set[int] | None) -> dict:
    """Counts and baseline/current totals over the visible projects (None: all)."""
    baseline = {"count": 0, "total_wan": ZERO, "span_wan": ZERO}
    current = {"count": 0, "total_wan": ZERO, "span_wan": ZERO}
    for pid, b_total, b_span, c_total, c_span in section["amounts"]:
        if visible is not None and pid not in visible:
            continue
        for side, total, span in ((baseline, b_total, b_span), (current, c_total, c_span)):
            if total is not None or span is not None:
                side["count"] += 1
                side["total_wan"] += as_decimal(total)
                side["span_wan"] += as_decimal(span)
    rows = [r for r in section["rows"] if visible is None or r["project_id"] in visible]
    amounts = [a for a in section["amounts"] if visible is None or a[0] in visible]
    counts = {kind: sum(1 for r in rows if r["kind"] == kind) for kind in ("added", "changed", "withdrawn")}
    return {
        "rows": rows,
        "amounts": amounts,
        "counts": counts,
        "baseline": {k: str(v) for k, v in baseline.items()},
        "current": {k: str(v) for k, v in current.items()},
    }


def project_adjustments(section: dict | None) -> dict[int, tuple[str, str | None]]:
    """project id → (the kind of its adjustment, its baseline plan-period investment) for the project rows."""
    if section is None:
        return {}
    baseline_span = {pid: b_span for pid, _b_total, b_span, _c_total, _c_span in section["amounts"]}
    kinds = {r["project_id"]: r["kind_label"] for r in section["rows"]}
    return {pid: (kinds.get(pid, ""), span) for pid, span in baseline_span.items()}
