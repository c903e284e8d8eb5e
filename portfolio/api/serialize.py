"""Register objects as plain JSON values: money in 万元 (the unit in the key), enums as code and label."""

from datetime import date, datetime
from decimal import Decimal

from portfolio.definitions.investment import cumulative_since_start
from portfolio.reporting.warnings import Level


def num(value) -> float | int | None:
    """A Decimal amount as a JSON number: whole amounts as integers."""
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def coded(enum) -> dict | None:
    return {"code": enum.value, "label": enum.label} if enum is not None else None


def month(value: date | None) -> str | None:
    return value.strftime("%Y-%m") if value else None


def moment(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    return value.isoformat() + ("Z" if isinstance(value, datetime) and value.tzinfo is None else "")


def project_row(p, progress) -> dict:
    """A project as the list shows it, with its approved progress."""
    return {
        "id": p.id,
        "project_code": p.project_code,
        "seq_no": p.seq_no,
        "name": p.name,
        "plan": {"id": p.plan_id, "short_name": p.plan.short_name},
        "category": {"id": p.category_id, "number": p.category.number, "name": p.category.name},
        "subcategory": {"id": p.subcategory.id, "name": p.subcategory.name} if p.subcategory else None,
        "locations": [loc.name for loc in p.locations],
        "units": [
            {"name": link.unit.name, "role": "lead" if link.is_lead else "support"} for link in p.unit_links
        ],
        "nature": p.nature,
        "start_year": p.start_year,
        "end_year": p.end_year,
        "total_investment_wan": num(p.total_investment_wan),
        "span_investment_wan": num(p.span_investment_wan),
        "pre_tracking_invested_wan": num(p.pre_tracking_invested_wan),
        "pre_tracking_as_of": moment(p.pre_tracking_as_of),
        "planned_start": month(p.planned_start),
        "planned_end": month(p.planned_end),
        "status": coded(p.status),
        "progress": progress_values(progress, p.pre_tracking_invested_wan),
    }


def progress_values(progress, pre_tracking_wan: Decimal | None = None) -> dict:
    return {
        "last_period": progress.last_period_code,
        "percent_complete": num(progress.percent_complete),
        "year_invested_wan": num(progress.year_invested_wan),
        "cumulative_invested_wan": num(progress.cumulative_invested_wan),
        "cumulative_since_start_wan": num(
            cumulative_since_start(pre_tracking_wan, progress.cumulative_invested_wan)
        ),
        "annual_plan_wan": num(progress.annual_plan_wan),
        "completion_rate": num(progress.completion_rate),
        "warning": coded(progress.warning.level),
        "warning_reason": progress.warning.reason,
    }


def report_values(r, funding: dict) -> dict:
    return {
        "id": r.id,
        "period": r.period.code,
        "status": coded(r.status),
        "progress_text": r.progress_text,
        "percent_complete": num(r.percent_complete),
        "invested_wan": num(r.invested_wan),
        "funds_received_wan": {name: num(amount) for name, amount in funding.items()},
        "problems": r.problems,
        "next_steps": r.next_steps,
        "submitted_at": moment(r.submitted_at),
        "reviewed_at": moment(r.reviewed_at),
    }


def definition_values(d) -> dict:
    """One 口径 as the /definitions page shows it: key, name, the rule, its group."""
    return {"key": d.key, "name": d.name, "rule": d.rule, "group": d.group}


def milestone_values(m) -> dict:
    return {
        "id": m.id,
        "kind": coded(m.kind),
        "title": m.title,
        "planned_date": moment(m.planned_date),
        "actual_date": moment(m.actual_date),
        "status": coded(m.status),
    }


def funding_values(view) -> dict:
    """A project's planned breakdown and approved funds received, by source name."""
    names = {s.id: s.name for s in view.sources}
    return {
        "planned_wan": {names[sid]: num(a) for sid, a in view.planned.items() if sid in names},
        "received_cumulative_wan": {
            names[sid]: num(r.cumulative_wan) for sid, r in view.received.items() if sid in names
        },
        "note": view.note,
        "warning": view.warning,
    }


def period_values(p) -> dict:
    return {
        "id": p.id,
        "plan_id": p.plan_id,
        "code": p.code,
        "kind": coded(p.kind),
        "year": p.year,
        "number": p.number,
        "starts_on": moment(p.starts_on),
        "ends_on": moment(p.ends_on),
        "deadline": moment(p.deadline),
        "status": coded(p.status),
    }


def summary_row(row) -> dict:
    return {
        "label": row.label,
        "id": row.key,
        "count": row.count,
        "total_investment_wan": num(row.total_wan),
        "span_investment_wan": num(row.span_wan),
        "cumulative_invested_wan": num(row.done_wan),
        # Every level, 0 included: a client reads warnings["red"] without guarding against a missing key.
        "warnings": {level.value: row.levels.get(level, 0) for level in Level},
    }


def source_total(t) -> dict:
    return {
        "source": t.source.name,
        "projects": t.projects,
        "planned_wan": num(t.planned_wan),
        "received_wan": num(t.received_wan),
    }
