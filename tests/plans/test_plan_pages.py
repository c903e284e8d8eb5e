"""Plan management over HTTP: create the 15th plan, edit and reorder its categories, close it; all audited."""

import io
import re

import pytest
from sqlalchemy import func, select

from portfolio.annex.services import import_annex
from portfolio.audit.models import AuditEntry
from portfolio.db import session
from portfolio.funding.queries import list_sources
from portfolio.funding.seed import DEFAULT_SOURCES
from portfolio.projects.models import Category, Plan, Project
from tests.annex.helpers import annex_bytes
from tests.annex.workbooks import ANNEX_HEADERS, Layout, annex_rows, build
from tests.factories import make_project

FIFTEENTH = {
    "name": "焦作市“十五五”生态环境保护规划",
    "short_name": "十五五",
    "doc_number": "",
    "start_year": "2026",
    "end_year": "2030",
    "categories": "减污降碳协同增效重大工程\n- 产业体系提升工程\n- 清洁能源替代工程\n"
    "积极应对气候变化重大工程\n美丽河湖保护重大工程\n- 城镇污水处理厂及管网建设、改造工程",
}


def _plan(short_name: str) -> Plan:
    session.expire_all()
    return session.scalar(select(Plan).where(Plan.short_name == short_name))


def _create(client, **overrides):
    return client.post("/plans/new", data=FIFTEENTH | overrides)


def _actions() -> list[str]:
    return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_planner_creates_the_15th_plan_with_its_own_categories(app, role_client):
    planner = role_client("planner")
    response = _create(planner)
    assert response.status_code == 302
    plan = _plan("十五五")
    assert (plan.start_year, plan.end_year, plan.doc_number) == (2026, 2030, None)
    assert [c.name for c in plan.categories] == [
        "减污降碳协同增效重大工程",
        "积极应对气候变化重大工程",
        "美丽河湖保护重大工程",
    ]
    assert [s.name for s in plan.categories[2].subcategories] == ["城镇污水处理厂及管网建设、改造工程"]
    assert "plan.create" in _actions()
    # The standard 资金来源 list, as `plans load` gives a plan loaded from a file.
    assert [s.name for s in list_sources(plan.id)] == [name for name, _aliases in DEFAULT_SOURCES]
    sources_page = planner.get(f"/funding/sources?plan={plan.id}").get_data(as_text=True)
    assert "地方政府专项债券" in sources_page
    listing = planner.get("/plans").get_data(as_text=True)
    assert "十五五" in listing and "2026–2030" in listing and "十四五" in listing


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"start_year": "2031"}, "起始年 2031 晚于结束年 2030"),
        ({"short_name": "十四五"}, "简称“十四五”已被其他规划使用"),
        ({"categories": ""}, "请至少填写一个类别"),
        ({"categories": "甲工程\n甲工程"}, "类别名称“甲工程”重复"),
        ({"end_year": "二〇三〇"}, "结束年"),
    ],
)
def test_bad_plans_are_refused_with_the_input_kept(app, role_client, overrides, message):
    response = _create(role_client("planner"), **overrides)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and message in html
    assert "焦作市“十五五”生态环境保护规划" in html  # what was typed is still there
    assert _plan("十五五") is None


def test_only_planners_and_admins_manage_plans(app, role_client):
    for role, status in (("admin", 200), ("planner", 200), ("reviewer", 403), ("officer", 403)):
        assert role_client(role).get("/plans").status_code == status
    assert _create(role_client("reviewer")).status_code == 403 and _plan("十五五") is None


def _edit_form(category: Category, **overrides) -> dict:
    subs = list(category.subcategories)
    data = {
        "name": category.name,
        "aliases": "、".join(category.aliases),
        "sub_id": [str(s.id) for s in subs],
        "sub_name": [s.name for s in subs],
        "sub_order": [str(i) for i in range(1, len(subs) + 1)],
        "new_subcategories": "",
    }
    data.update(overrides)
    return data


def test_edit_names_aliases_and_subcategories_then_reorder(app, role_client):
    planner = role_client("planner")
    _create(planner)
    plan = _plan("十五五")
    first = plan.categories[0]
    a, b = first.subcategories
    form = _edit_form(
        first,
        name="减污降碳重大工程",
        aliases="减污降碳协同增效重大工程、减污降碳",
        sub_name=["工业领域降碳工程", b.name],
        sub_order=["2", "1"],
        new_subcategories="交通运输结构优化工程\n城镇污水处理厂及管网建设、改造工程",
    )
    assert planner.post(f"/plans/{plan.id}/categories/{first.id}", data=form).status_code == 302
    session.expire_all()
    assert first.name == "减污降碳重大工程" and first.aliases == ["减污降碳协同增效重大工程", "减污降碳"]
    assert [s.name for s in first.subcategories] == [
        "清洁能源替代工程",
        "工业领域降碳工程",
        "交通运输结构优化工程",
        "城镇污水处理厂及管网建设、改造工程",
    ]
    assert a.name == "工业领域降碳工程"  # renamed in place: its projects keep their sub-category
    planner.post(f"/plans/{plan.id}/categories/{plan.categories[2].id}/move", data={"direction": "up"})
    plan = _plan("十五五")
    assert [c.name for c in plan.categories] == [
        "减污降碳重大工程",
        "美丽河湖保护重大工程",
        "积极应对气候变化重大工程",
    ]
    assert [c.number for c in plan.categories] == [1, 2, 3]
    assert {"category.update", "category.reorder"} <= set(_actions())


def test_categories_and_subcategories_with_projects_cannot_be_deleted(app, role_client):
    planner = role_client("planner")
    plan = _plan("十四五")
    blue_sky = plan.categories[2]
    sub = blue_sky.subcategories[0]
    make_project(name="某电厂脱硝", category=3, subcategory=sub)
    session.commit()
    page = planner.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert "有 1 个项目，不能删除" in page and "有项目，不能删除" in page
    refused = planner.post(f"/plans/{plan.id}/categories/{blue_sky.id}/delete", follow_redirects=True)
    assert "类别“蓝天保卫战重大工程”下有 1 个项目，不能删除" in refused.get_data(as_text=True)
    form = _edit_form(blue_sky, sub_remove=[str(sub.id)])
    refused = planner.post(f"/plans/{plan.id}/categories/{blue_sky.id}", data=form, follow_redirects=True)
    assert f"子类“{sub.name}”下有 1 个项目，不能删除" in refused.get_data(as_text=True)
    unused = plan.categories[-1]
    planner.post(f"/plans/{plan.id}/categories/{unused.id}/delete")
    plan = _plan("十四五")
    assert len(plan.categories) == 9 and [c.number for c in plan.categories] == list(range(1, 10))
    assert len(blue_sky.subcategories) == 3 and "category.delete" in _actions()


def _fifteenth_annex() -> tuple[bytes, int]:
    """The shipped annex's first two categories, relabelled as the 15th plan's, with years moved by five."""
    rows = annex_rows()
    cut = [i for i, r in enumerate(rows) if r.kind == "category"][2]
    rows = [r for r in rows[:cut] if r.kind != "total"]
    aliases = {
        "结构调整重大工程": "减污降碳协同增效重大工程",
        "应对气候变化重大工程": "积极应对气候变化重大工程",
    }
    headers = dict(ANNEX_HEADERS, fyp="“十五五”投资")
    data = build(Layout(headers=headers, year_shift=5, category_aliases=aliases), rows)
    return data, sum(1 for r in rows if r.kind == "project")


def test_a_plan_created_in_the_ui_receives_its_own_annex_beside_the_14th(app, role_client):
    planner = role_client("planner")
    fourteenth = _plan("十四五")
    import_annex(None, annex_bytes(), "annex.xlsx", fourteenth)
    session.commit()
    _create(planner)
    fifteenth = _plan("十五五")
    data, expected = _fifteenth_annex()
    preview = planner.post(
        "/annex/upload",
        data={"plan_id": str(fifteenth.id), "file": (io.BytesIO(data), "十五五附件.xlsx")},
        content_type="multipart/form-data",
    )
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and f"新增项目（{expected}）" in html, html[:3000]
    fields = {}
    for key in ("sha256", "plan_id", "fingerprint"):
        marker = f'name="{key}" type="hidden" value="'
        start = html.index(marker) + len(marker)
        fields[key] = html[start : html.index('"', start)]
    assert planner.post("/annex/confirm", data=fields).status_code == 302
    counts = dict(
        session.execute(select(Project.plan_id, func.count(Project.id)).group_by(Project.plan_id)).all()
    )
    assert counts == {fourteenth.id: 86, fifteenth.id: expected}
    first = session.scalar(select(Project).where(Project.plan_id == fifteenth.id).order_by(Project.id))
    assert first.category.name == "减污降碳协同增效重大工程" and first.start_year >= 2026
    assert f'<td class="num">{expected}</td>' in planner.get("/plans").get_data(as_text=True)


def test_a_closed_plan_is_read_only_except_evaluation(app, role_client, users):
    planner = role_client("planner")
    plan = _plan("十四五")
    project = make_project(name="某污水厂提标")
    session.commit()
    assert planner.post(f"/plans/{plan.id}/state", data={"state": "closed"}).status_code == 302
    page = planner.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert "已关闭" in page and "保存类别" not in page and "重新开放" in page
    refused = planner.post(f"/plans/{plan.id}/categories", data={"name": "新类别"}, follow_redirects=True)
    assert "已关闭，只能查看和开展评估" in refused.get_data(as_text=True)
    for form_page in ("/annex/upload", "/reporting/periods"):  # offered, but marked and not selectable
        html = planner.get(form_page).get_data(as_text=True)
        assert re.search(rf'<option disabled value="{plan.id}">[^<]*（已关闭）</option>', html), form_page
    upload = planner.post(
        "/annex/upload",
        data={"plan_id": str(plan.id), "file": (io.BytesIO(annex_bytes()), "annex.xlsx")},
        content_type="multipart/form-data",
    )
    assert "已关闭" in upload.get_data(as_text=True) and upload.status_code != 500
    period = planner.post(
        "/reporting/periods/open",
        data={"plan_id": plan.id, "code": f"{plan.end_year}Q4"},
        follow_redirects=True,
    )
    assert "已关闭" in period.get_data(as_text=True)
    round_ = planner.post(
        "/evaluation/rounds",
        data={"plan_id": plan.id, "name": "终期评估", "as_of": f"{plan.end_year}-12-31"},
    )
    assert round_.status_code == 302  # evaluation goes on
    assert project.name == "某污水厂提标"
    planner.post(f"/plans/{plan.id}/state", data={"state": "open"})
    assert _plan("十四五").closed_at is None
    assert {"plan.close", "plan.reopen"} <= set(_actions())
