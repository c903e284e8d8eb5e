"""The register as an OC4IDS 0.9 project package: one project per register project, money in CNY.

Only approved reports are published (metrics); 调出 projects are left out. The mapping of each field is
documented in the README (OC4IDS section).
"""

from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal

from portfolio.db import utcnow
from portfolio.errors import NotFound
from portfolio.opendata.codes import GAZETTEER, GBT2260, STATUS, project_type
from portfolio.opendata.queries import approved_history, funding_of, last_change, list_published_projects

VERSION = "0.9"
YUAN_PER_WAN = Decimal(10000)
BEIJING = timezone(timedelta(hours=8))
PLAN_POLICY = "municipalEcoEnvironmentalPlan"


def build_package(plan, prefix: str, publisher: str, uri: str, user=None) -> dict:
    """The package of a plan's projects (those a user may see, when one is given)."""
    projects = list_published_projects(plan, user)
    ids = [p.id for p in projects]
    sources, planned = funding_of(ids, plan)
    history = approved_history(ids)
    changed = last_change(ids) or utcnow()
    context = {"prefix": prefix, "plan": plan, "sources": sources}
    return {
        "uri": uri,
        "version": VERSION,
        "publishedDate": stamp(changed),
        "publisher": {"name": publisher},
        "projects": [_project(p, planned.get(p.id, {}), history.get(p.id, []), context) for p in projects],
    }


def stamp(moment: datetime) -> str:
    """A stored UTC time as an RFC 3339 date-time."""
    return moment.replace(tzinfo=UTC, microsecond=0).isoformat().replace("+00:00", "Z")


def _day(day: date, end: bool = False) -> str:
    """A calendar date in Beijing time, at the start (or end) of the day."""
    return datetime.combine(day, time(23, 59, 59) if end else time(0), BEIJING).isoformat()


def _yuan(wan) -> dict:
    amount = (Decimal(wan) * YUAN_PER_WAN).quantize(Decimal("0.01"))
    return {
        "amount": int(amount) if amount == amount.to_integral_value() else float(amount),
        "currency": "CNY",
    }


def _project(p, planned: dict, history: list, context: dict) -> dict:
    data = {
        "id": f"{context['prefix']}-{p.id}",
        "updated": stamp(p.updated_at),
        "title": p.name,
        "status": STATUS[p.status],
        "language": "zh",
        "additionalClassifications": _classifications(p),
        "policyAlignment": _policy(p, context["plan"]),
    }
    optional = {
        "description": p.content,
        "type": project_type(p.nature),
        "period": _period(p),
        "locations": _locations(p),
        "budget": _budget(p, planned, context["sources"]),
        "parties": _parties(p, planned, context["sources"]),
        "publicAuthority": _lead_reference(p),
        "metrics": _metrics(history),
        "milestones": [_milestone(m) for m in p.milestones] or None,
    }
    data.update({k: v for k, v in optional.items() if v})
    return data


def _classifications(p) -> list[dict]:
    found = [{"scheme": "JZ-PLAN-CATEGORY", "id": str(p.category.number), "description": p.category.name}]
    if p.subcategory is not None:
        code = f"{p.category.number}.{p.subcategory.number}"
        found.append({"scheme": "JZ-PLAN-SUBCATEGORY", "id": code, "description": p.subcategory.name})
    return found


def _policy(p, plan) -> dict:
    doc = f"（{plan.doc_number}）" if plan.doc_number else ""
    return {
        "policies": [PLAN_POLICY],
        "description": f"列入《{plan.name}》{doc}重大工程项目表：{p.category.number}. {p.category.name}",
    }


def _period(p) -> dict | None:
    start, end = p.schedule_start, p.schedule_end
    period = {}
    if start:
        period["startDate"] = _day(start)
    if end:
        last = (end.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        period["endDate"] = _day(last, end=True)
    return period or None


def _locations(p) -> list[dict]:
    found = []
    for loc in p.locations:
        entry = {"id": str(loc.id), "description": loc.name}
        if loc.name in GBT2260:
            entry["gazetteer"] = {"scheme": GAZETTEER, "identifiers": [GBT2260[loc.name]]}
        found.append(entry)
    return found


def _funder_id(source) -> str:
    return f"funding-source-{source.id}"


def _budget(p, planned: dict, sources) -> dict | None:
    if p.total_investment_wan is None and not planned:
        return None
    budget = {"description": "总投资（项目表所列），按资金来源分列计划资金"}
    if p.total_investment_wan is not None:
        budget["amount"] = _yuan(p.total_investment_wan)
    lines = [
        {
            "id": str(s.id),
            "description": s.name,
            "amount": _yuan(planned[s.id]),
            "sourceParty": {"id": _funder_id(s), "name": s.name},
        }
        for s in sources
        if s.id in planned
    ]
    if lines:
        budget["budgetBreakdown"] = lines
    return budget


def _parties(p, planned: dict, sources) -> list[dict]:
    parties = [
        {
            "id": f"unit-{link.unit.id}",
            "name": link.unit.name,
            "roles": ["publicAuthority", "leadUnit"] if link.is_lead else ["supportingUnit"],
        }
        for link in p.unit_links
    ]
    parties += [
        {"id": _funder_id(s), "name": s.name, "roles": ["funder"]} for s in sources if s.id in planned
    ]
    return parties


def _lead_reference(p) -> dict | None:
    lead = p.lead_unit
    return {"id": f"unit-{lead.id}", "name": lead.name} if lead else None


def _metrics(history: list) -> list[dict] | None:
    if not history:
        return None
    physical = [
        {
            "id": h.code,
            "period": _obs_period(h),
            "measure": float(h.percent_complete),
            "unit": {"name": "percent"},
        }
        for h in history
        if h.percent_complete is not None
    ]
    financial = [{"id": h.code, "period": _obs_period(h), "value": _yuan(h.cumulative_wan)} for h in history]
    metrics = [
        {
            "id": "financialProgress",
            "title": "累计完成投资",
            "description": "开工以来经审核的完成投资累计（元），每个已审核填报期一个观测值",
            "observations": financial,
        }
    ]
    if physical:
        metrics.insert(0, {
            "id": "physicalProgress",
            "title": "形象进度（完成百分比）",
            "description": "经审核的进度报告所填完成百分比，每个已审核填报期一个观测值",
            "observations": physical,
        })  # fmt: skip
    return metrics


def _obs_period(h) -> dict:
    return {"startDate": _day(h.starts_on), "endDate": _day(h.ends_on, end=True)}


def _milestone(m) -> dict:
    data = {"id": str(m.id), "title": m.title or m.kind.label, "type": m.kind.value, "status": m.status.value}
    if m.planned_date:
        data["dueDate"] = _day(m.planned_date)
    if m.actual_date:
        data["dateMet"] = _day(m.actual_date)
    return data


def export_package(plan, config: dict, base_url: str, user=None) -> dict:
    """The package with the deployment's prefix and publisher; refuses a plan with nothing to publish."""
    package = build_package(
        plan,
        config["OC4IDS_PREFIX"],
        config["OC4IDS_PUBLISHER"],
        f"{base_url.rstrip('/')}/api/v1/oc4ids.json?plan={plan.id}",
        user,
    )
    if not package["projects"]:
        raise NotFound(f"规划“{plan.short_name}”中没有可发布的项目。")
    return package
