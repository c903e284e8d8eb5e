from datetime import date
from decimal import Decimal

import pytest

from portfolio.db import session
from portfolio.projects.models import LifecycleStatus, Milestone, MilestoneKind
from tests.factories import bulk_projects, location, make_project, unit
from tests.querycount import statements_for


def _commit():
    session.commit()


@pytest.fixture
def sample(app):
    a = make_project(
        name="温县污水处理厂提标改造", counties=["温县"], category=4, total_investment_wan=Decimal("1200.5")
    )
    b = make_project(name="孟州市热源改造", counties=["孟州市"], category=1, status=LifecycleStatus.PLANNING)
    c = make_project(
        name="跨县供水一体化",
        counties=["温县", "武陟县"],
        units=["市水利局", "温县人民政府"],
        category=4,
        total_investment_wan=Decimal("300"),
    )
    c.milestones = [Milestone(kind=MilestoneKind.GROUNDBREAKING, planned_date=date(2021, 3, 1))]
    _commit()
    return a, b, c


def test_list_filters_by_each_field(role_client, sample):
    a, b, c = sample
    client = role_client("planner")
    page = client.get("/projects").get_data(as_text=True)
    assert all(p.name in page for p in sample) and "共 <b>3</b> 个项目" in page
    wen = location("温县").id
    page = client.get(f"/projects?county={wen}").get_data(as_text=True)
    assert a.name in page and c.name in page and b.name not in page
    page = client.get(f"/projects?category={b.category_id}").get_data(as_text=True)
    assert b.name in page and a.name not in page
    page = client.get(f"/projects?subcategory={a.subcategory_id}").get_data(as_text=True)
    assert a.name in page and b.name not in page
    page = client.get("/projects?status=planning").get_data(as_text=True)
    assert b.name in page and a.name not in page
    page = client.get(f"/projects?unit={unit('市水利局').id}").get_data(as_text=True)
    assert c.name in page and a.name not in page
    page = client.get("/projects?q=热源").get_data(as_text=True)
    assert b.name in page and a.name not in page
    # Malformed values are ignored, never a 500.
    assert client.get("/projects?county=abc&status=bogus&sort=evil&page=-3&q=%25_").status_code == 200


def test_sort_and_pagination(app, role_client, sample):
    app.config["PAGE_SIZE"] = 2
    client = role_client("planner")
    page = client.get("/projects?sort=total&dir=desc").get_data(as_text=True)
    assert page.index(sample[0].name) < page.index(sample[1].name)
    assert "第 1/2 页" in page and "下一页" in page
    second = client.get("/projects?sort=total&dir=desc&page=2").get_data(as_text=True)
    assert sample[2].name in second and sample[0].name not in second
    assert "第 2/2 页" in client.get("/projects?page=99").get_data(as_text=True)


def test_officer_sees_only_own_county(role_client, sample):
    a, b, c = sample
    officer = role_client("officer")
    page = officer.get("/projects").get_data(as_text=True)
    assert a.name in page and c.name in page and b.name not in page
    assert officer.get(f"/projects/{a.id}").status_code == 200
    assert officer.get(f"/projects/{b.id}").status_code == 404
    assert officer.get("/projects/999999").status_code == 404


def test_detail_shows_every_field(role_client, sample):
    c = sample[2]
    page = role_client("reviewer").get(f"/projects/{c.id}").get_data(as_text=True)
    for text in (
        "跨县供水一体化",
        "温县、武陟县",
        "市水利局",
        "牵头",
        "配合",
        "开工",
        "2021-03-01",
        "300",
        "800",
        "建设内容",
    ):
        assert text in page, text


def test_summary_totals_by_category_and_county(role_client, sample):
    page = role_client("planner").get("/summary").get_data(as_text=True)
    assert '<td class="num" id="grand-total">2,500.50</td>' in page
    officer_page = role_client("officer").get("/summary").get_data(as_text=True)
    assert '<td class="num" id="grand-total">1,500.50</td>' in officer_page


def test_second_plan_is_selectable(app, role_client, sample):
    from portfolio.projects.services import load_plan

    plan15 = load_plan(
        {
            "name": "第十五个五年规划",
            "short_name": "十五五",
            "start_year": 2026,
            "end_year": 2030,
            "categories": [(1, "新类别", [], [])],
        }
    )
    make_project(plan=plan15, name="十五五项目", annual={2026: 5})
    _commit()
    client = role_client("planner")
    page = client.get(f"/projects?plan={plan15.id}").get_data(as_text=True)
    assert "十五五项目" in page and sample[0].name not in page and "“十五五”投资" in page
    assert "十五五项目" not in client.get(f"/projects?plan={sample[0].plan_id}").get_data(as_text=True)
    summary = client.get(f"/summary?plan={plan15.id}").get_data(as_text=True)
    assert '<td class="num" id="grand-total">1,000.00</td>' in summary and "1. 新类别" in summary


@pytest.mark.slow
def test_list_and_summary_queries_do_not_grow_with_projects(role_client, app):
    client = role_client("planner")
    bulk_projects(100)
    _commit()
    small = {url: statements_for(client, url) for url in ("/projects", "/summary")}
    bulk_projects(4900)
    _commit()
    large = {url: statements_for(client, url) for url in ("/projects", "/summary")}
    assert large == small
    # From an empty identity map: user, plan, page, loaders, progress reads (with the start milestones of
    # the started rule and the read-model period lookup), filter options, and the unread-notification
    # badge every page shows (23 and 15).
    # The summary adds three for its by-source table (sources, planned, received).
    # Every signed-in request also reads its session row (idle timeout and lifetime): one more each.
    assert small["/projects"] <= 24 and small["/summary"] <= 22


def test_detail_shows_report_history_and_approved_progress(role_client, sample):
    from tests.factories import make_period, make_report

    a = sample[0]
    period = make_period(a.plan, "2023Q2")
    make_report(a, period, invested="75.5", pct="40", progress_text="管网铺设过半")
    _commit()
    page = role_client("officer").get(f"/projects/{a.id}").get_data(as_text=True)
    assert "进度报告历史" in page and "2023Q2" in page and "管网铺设过半" in page
    assert "75.5" in page and "40%" in page
