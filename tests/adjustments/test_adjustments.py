"""Plan adjustments over HTTP: the first import is the baseline; re-importing an adjusted annex needs a
reason and a 调整文号, and the adjustments page and its 规划调整情况表 show baseline → current with totals
that match the two annexes. Editing a project's investment is an adjustment too."""

import io
from decimal import Decimal

import pytest

from portfolio.adjustments.models import AdjustmentKind, PlanAdjustment, PlanBaseline
from portfolio.db import session
from portfolio.definitions import get_definition
from tests.annex.helpers import plan
from tests.annex.workbooks import Layout, Row, annex_rows, build
from tests.dashboard.html import figures, number
from tests.exports.sheets import open_xlsx

REASON, DOC = "中期评估调整：补充黄河流域治理项目", "焦环〔2024〕18号"


def _upload(client, data: bytes):
    return client.post(
        "/annex/upload",
        data={"plan_id": str(plan().id), "file": (io.BytesIO(data), "annex.xlsx")},
        content_type="multipart/form-data",
    )


def _confirm_fields(html: str) -> dict:
    fields = {}
    for key in ("sha256", "plan_id", "fingerprint"):
        marker = f'name="{key}" type="hidden" value="'
        start = html.index(marker) + len(marker)
        fields[key] = html[start : html.index('"', start)]
    return fields


def _import(client, rows, **note):
    page = _upload(client, build(Layout(), rows)).get_data(as_text=True)
    return client.post("/annex/confirm", data=_confirm_fields(page) | note), page


def _totals(rows) -> tuple[int, Decimal, Decimal]:
    projects = [r for r in rows if r.kind == "project"]
    total = sum((Decimal(str(r.values["total"] or 0)) for r in projects), Decimal(0))
    span = sum((Decimal(str(r.values["fyp"] or 0)) for r in projects), Decimal(0))
    return len(projects), total, span


def _adjusted(rows: list[Row]) -> list[Row]:
    """The annex with one project's investment raised, one dropped and one added."""
    rows = [Row(r.kind, dict(r.values)) for r in rows]
    projects = [r for r in rows if r.kind == "project"]
    projects[0].values["total"] = 60000
    rows.remove(projects[1])
    added = Row("project", dict(projects[3].values, seq=99, name="黄河滩区生态修复（调整新增）"))
    rows.insert(rows.index(projects[3]) + 1, added)
    return rows


@pytest.fixture
def planner(role_client):
    return role_client("planner")


def test_reimporting_an_adjusted_annex_records_it_with_reason_and_document(planner):
    first = annex_rows()
    assert _import(planner, first)[0].status_code == 302
    assert session.query(PlanBaseline).count() == 1 and session.query(PlanAdjustment).count() == 0

    second = _adjusted(first)
    refused, preview = _import(planner, second)
    assert "调整文号" in preview and "规划调整" in preview  # the confirmation asks for them
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "请填写调整原因和调整文号" in page
    assert "新增 1 个" in page and "调出 1 个" in page and "调整 1 个" in page
    assert session.query(PlanAdjustment).count() == 0  # nothing written

    done, _ = _import(planner, second, adjust_reason=REASON, adjust_doc_number=DOC)
    assert done.status_code == 302
    kinds = sorted(a.kind.value for a in session.query(PlanAdjustment))
    assert kinds == sorted([AdjustmentKind.ADDED, AdjustmentKind.WITHDRAWN, AdjustmentKind.CHANGED])

    page = planner.get("/adjustments").get_data(as_text=True)
    shown = figures(page)
    count, total, span = _totals(first)
    assert int(shown["baseline-count"]) == count == 86
    assert number(shown["baseline-total"]) == total
    assert number(shown["baseline-span"]) == span
    count, total, span = _totals(second)
    assert int(shown["current-count"]) == count
    assert number(shown["current-total"]) == total
    assert number(shown["current-span"]) == span
    assert (shown["added"], shown["withdrawn"], shown["changed"]) == ("1", "1", "1")
    assert REASON in page and DOC in page and "60,000" in page and "黄河滩区生态修复（调整新增）" in page

    sheet = planner.get("/adjustments.xlsx")
    assert sheet.status_code == 200
    rows = list(open_xlsx(sheet.data)["规划调整情况表"].iter_rows(values_only=True))
    totals = next(r for r in rows if r[1] and str(r[1]).startswith("合计"))
    assert Decimal(str(totals[4])) == _totals(first)[1] and Decimal(str(totals[5])) == total
    body = [r for r in rows if isinstance(r[0], int)]
    assert len(body) == 3 and all(r[8] == REASON and r[9] == DOC for r in body)
    assert any("总投资（万元）" in r[3] and "60,000" in r[3] for r in body)
    notes = [r[0] for r in rows if isinstance(r[0], str)]
    rule = get_definition("plan_baseline")
    assert notes[-2:] == ["口径说明：", f"{rule.name}：{rule.rule}"]  # under the table, from the definitions


def test_importing_the_same_annex_again_needs_no_note(planner):
    rows = annex_rows()
    _import(planner, rows)
    again, _ = _import(planner, rows)
    assert again.status_code == 302 and session.query(PlanAdjustment).count() == 0


def test_editing_investment_is_an_adjustment(planner, app):
    _import(planner, annex_rows())
    from portfolio.projects.models import Project

    project = session.query(Project).order_by(Project.id).first()
    form = planner.get(f"/projects/{project.id}/edit").get_data(as_text=True)
    assert "调整文号" in form
    data = _edit_form(project, total_investment_wan="99999")
    refused = planner.post(f"/projects/{project.id}/edit", data=data)
    assert refused.status_code == 400 and "请填写调整原因和调整文号" in refused.get_data(as_text=True)
    ok = planner.post(
        f"/projects/{project.id}/edit", data=data | {"adjust_reason": "扩大规模", "adjust_doc_number": DOC}
    )
    assert ok.status_code == 302
    adjustment = session.query(PlanAdjustment).one()
    assert adjustment.kind == AdjustmentKind.CHANGED and adjustment.after == {
        "total_investment_wan": "99999.0000"
    }
    renamed = planner.post(f"/projects/{project.id}/edit", data=_edit_form(_fresh(project), name="新名称"))
    assert renamed.status_code == 302  # a rename is a correction, not an adjustment
    assert session.query(PlanAdjustment).count() == 1


def _fresh(project):
    session.expire_all()
    return session.get(type(project), project.id)


def _edit_form(project, **changes) -> dict:
    data = {
        "version": str(project.version),
        "name": project.name,
        "nature": project.nature or "",
        "content": project.content or "",
        "start_year": str(project.start_year or ""),
        "end_year": str(project.end_year or ""),
        "total_investment_wan": str(project.total_investment_wan or ""),
        "span_investment_wan": str(project.span_investment_wan or ""),
        "planned_start": project.planned_start.strftime("%Y-%m") if project.planned_start else "",
        "planned_end": project.planned_end.strftime("%Y-%m") if project.planned_end else "",
        "status": project.status.value,
        "project_code": project.project_code or "",
        "note": project.note or "",
    }
    plans = {p.year: p.amount_wan for p in project.annual_plans}
    for i, year in enumerate(project.plan.years):
        data[f"annual-{i}"] = str(plans[year]) if plans.get(year) is not None else ""
    return data | changes


def test_before_any_import_the_page_says_there_is_no_baseline(planner, role_client):
    assert "尚未建立基线" in planner.get("/adjustments").get_data(as_text=True)
    assert role_client("officer").get("/adjustments").status_code == 403
    assert role_client("reviewer").get("/adjustments.xlsx").status_code == 200


def test_adjustments_that_cancel_out_are_still_shown(planner):
    _import(planner, annex_rows())
    from portfolio.projects.models import Project

    project = session.query(Project).order_by(Project.id).first()
    original = str(project.total_investment_wan)
    note = {"adjust_reason": "扩大规模", "adjust_doc_number": DOC}
    assert (
        planner.post(
            f"/projects/{project.id}/edit", data=_edit_form(project, total_investment_wan="99999") | note
        ).status_code
        == 302
    )
    back = {"adjust_reason": "恢复原规模", "adjust_doc_number": "焦环〔2026〕9号"}
    assert (
        planner.post(
            f"/projects/{_fresh(project).id}/edit",
            data=_edit_form(_fresh(project), total_investment_wan=original) | back,
        ).status_code
        == 302
    )
    assert session.query(PlanAdjustment).count() == 2
    page = planner.get("/adjustments").get_data(as_text=True)
    changes, restored = page.split("调整后已恢复为基线的项目")
    assert f'data-project-id="{project.id}"' not in changes  # no net change: not counted as adjusted
    assert f'data-project-id="{project.id}"' in restored
    assert all(text in restored for text in ("扩大规模", "恢复原规模", DOC, "焦环〔2026〕9号"))
