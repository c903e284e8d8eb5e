"""The period page filters by report state, county and category, counts each state in SQL, and pages."""

import re

from portfolio.db import session
from portfolio.reporting.models import ReportStatus
from tests.factories import bulk_projects, location, make_project, make_report
from tests.querycount import statements_for


def _rows(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr data-project-id="(\d+)"', html)]


def _tab(html: str, label: str) -> int:
    return int(re.search(rf"{label}<b>(\d+)</b>", html).group(1))


def _world(period):
    """Six projects: two in 温县 (category 1), four in 孟州市 (category 2), in every report state."""
    wen = [make_project(name=f"温县项目{i}", counties=["温县"], category=1) for i in range(2)]
    meng = [make_project(name=f"孟州项目{i}", counties=["孟州市"], category=2) for i in range(4)]
    make_report(wen[0], period, ReportStatus.SUBMITTED)
    make_report(meng[0], period, ReportStatus.APPROVED)
    make_report(meng[1], period, ReportStatus.RETURNED, return_reason="补充照片")
    make_report(meng[2], period, ReportStatus.DRAFT)
    session.commit()
    return wen, meng


def test_state_county_and_category_filters(app, period, role_client):
    wen, meng = _world(period)
    planner = role_client("planner")
    url = f"/reporting/periods/{period.id}"
    page = planner.get(url).get_data(as_text=True)
    assert sorted(_rows(page)) == sorted(p.id for p in wen + meng)
    assert (_tab(page, "全部"), _tab(page, "未填报"), _tab(page, "待审核"), _tab(page, "已通过")) == (
        6,
        2,
        1,
        1,
    )
    assert (_tab(page, "草稿"), _tab(page, "已退回")) == (1, 1)

    missing = planner.get(url, query_string={"state": "missing"}).get_data(as_text=True)
    assert sorted(_rows(missing)) == sorted([wen[1].id, meng[3].id])
    submitted = planner.get(url, query_string={"state": "submitted"}).get_data(as_text=True)
    assert _rows(submitted) == [wen[0].id]

    meng_id = location("孟州市").id
    in_meng = planner.get(url, query_string={"county": meng_id}).get_data(as_text=True)
    assert sorted(_rows(in_meng)) == sorted(p.id for p in meng)
    # The tabs count under the county filter, and keep it in their links.
    assert (_tab(in_meng, "全部"), _tab(in_meng, "未填报")) == (4, 1)
    assert f"county={meng_id}" in in_meng.split("state-tabs", 1)[1].split("</p>", 1)[0]

    both = planner.get(
        url, query_string={"county": meng_id, "state": "returned", "category": meng[1].category_id}
    ).get_data(as_text=True)
    assert _rows(both) == [meng[1].id]
    in_cat1 = planner.get(url, query_string={"category": wen[0].category_id}).get_data(as_text=True)
    assert sorted(_rows(in_cat1)) == sorted(p.id for p in wen)

    nothing = planner.get(url, query_string={"county": meng_id, "category": wen[0].category_id})
    assert "没有符合筛选条件的项目" in nothing.get_data(as_text=True)


def test_malformed_filters_are_ignored(app, period, role_client):
    _world(period)
    planner = role_client("planner")
    for query in ({"state": "lost"}, {"county": "x"}, {"category": "1e9"}, {"page": "-3"}, {"page": "zz"}):
        response = planner.get(f"/reporting/periods/{period.id}", query_string=query)
        assert response.status_code == 200 and len(_rows(response.get_data(as_text=True))) == 6


def test_officer_sees_and_counts_only_their_county(app, period, role_client):
    wen, _ = _world(period)
    page = role_client("officer").get(f"/reporting/periods/{period.id}").get_data(as_text=True)
    assert sorted(_rows(page)) == sorted(p.id for p in wen)
    assert (_tab(page, "全部"), _tab(page, "未填报"), _tab(page, "已通过")) == (2, 1, 0)


def test_pages_through_projects_with_a_fixed_number_of_statements(app, period, role_client):
    app.config["PAGE_SIZE"] = 20
    bulk_projects(45)
    session.commit()
    planner = role_client("planner")
    url = f"/reporting/periods/{period.id}"
    seen = []
    for n in (1, 2, 3):
        html = planner.get(url, query_string={"page": n}).get_data(as_text=True)
        seen += _rows(html)
        assert f"第 {n}/3 页" in html
    assert len(seen) == len(set(seen)) == 45
    last = planner.get(url, query_string={"page": 99}).get_data(as_text=True)
    assert "第 3/3 页" in last and len(_rows(last)) == 5
    assert "没有第 99 页（共 3 页），已显示最后一页。" in last
    second = planner.get(url, query_string={"page": 2, "state": "missing"}).get_data(as_text=True)
    assert f'href="/reporting/periods/{period.id}?state=missing&amp;page=3"' in second

    few = statements_for(planner, url + "?page=2")
    bulk_projects(200)
    session.commit()
    assert statements_for(planner, url + "?page=2") == few


def test_planners_go_from_the_period_to_the_review_queue(app, period, role_client):
    _world(period)
    url = f"/reporting/periods/{period.id}"
    wen_id, meng_id = location("温县").id, location("孟州市").id
    planner = role_client("planner")
    in_wen = planner.get(url, query_string={"county": wen_id}).get_data(as_text=True)
    assert f'class="button primary review-next" href="/home?county={wen_id}"' in in_wen
    # 孟州市 has nothing waiting for review: no link.
    assert "review-next" not in planner.get(url, query_string={"county": meng_id}).get_data(as_text=True)
    assert "review-next" not in role_client("officer").get(url).get_data(as_text=True)


def test_period_page_read_again_runs_only_the_per_request_statements(app, period, role_client):
    _world(period)
    planner = role_client("planner")
    url = f"/reporting/periods/{period.id}"
    whole = statements_for(planner, url)
    again = statements_for(planner, url, remembered=True)
    # Again: the signed-in user with the session row, the period, the data version; no counts or rows.
    assert again <= 4 < whole


def test_period_page_shows_a_report_change_at_once(app, period, role_client):
    wen, _meng = _world(period)
    planner = role_client("planner")
    url = f"/reporting/periods/{period.id}"
    assert (_tab(planner.get(url).get_data(as_text=True), "待审核")) == 1
    report = make_report(wen[1], period, ReportStatus.SUBMITTED, pct="45")
    wen[1].name = "温县项目改名<i>"
    session.commit()
    page = planner.get(url).get_data(as_text=True)
    assert _tab(page, "待审核") == 2 and _tab(page, "未填报") == 1
    assert "温县项目改名&lt;i&gt;" in page and f'href="/reporting/reports/{report.id}"' in page
    assert "45%" in page.split(f'data-project-id="{wen[1].id}"', 1)[1].split("</tr>", 1)[0]


def test_remembered_period_page_keeps_each_users_projects(app, period, role_client):
    wen, meng = _world(period)
    url = f"/reporting/periods/{period.id}"
    assert sorted(_rows(role_client("planner").get(url).get_data(as_text=True))) == sorted(
        p.id for p in wen + meng
    )
    officer_page = role_client("officer").get(url).get_data(as_text=True)
    assert sorted(_rows(officer_page)) == sorted(p.id for p in wen)
    # The officer reports on their own projects: a 填报 link on each row without a report.
    assert f"/reporting/periods/{period.id}/projects/{wen[1].id}/report" in officer_page
    other_page = role_client("other_officer").get(url).get_data(as_text=True)
    assert sorted(_rows(other_page)) == sorted(p.id for p in meng)
