"""Every evaluation route over HTTP, for every role, and the report workbook against the database."""

from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from portfolio.db import session
from portfolio.evaluation.indicators import load_indicators
from portfolio.evaluation.models import EvaluationRound, Indicator, ProjectAssessment, RoundStatus
from portfolio.evaluation.services import create_round, default_rounds
from portfolio.projects.models import AnnualPlan, Plan
from portfolio.reporting.models import ReportingPeriod, ReportStatus, StatusReport
from tests.evaluation.fixtures import INVESTED_BY_MID_TERM, build_portfolio
from tests.factories import bulk_projects
from tests.querycount import statements_for

ROLES = ("admin", "planner", "reviewer", "officer")


@pytest.fixture
def world(app, users):
    plan = session.scalar(select(Plan).order_by(Plan.id))
    load_indicators(plan)
    projects = build_portfolio(plan)
    round_ = create_round(users["planner"], plan, *default_rounds(plan)[0])
    session.commit()
    a = session.scalar(
        select(ProjectAssessment).where(
            ProjectAssessment.round_id == round_.id, ProjectAssessment.project_id == projects["E"].id
        )
    )
    ind = session.scalar(select(Indicator).where(Indicator.seq == 1))
    prov = session.scalar(select(Indicator).where(Indicator.seq == 8))
    return {"plan": plan, "projects": projects, "round": round_, "a": a, "ind": ind, "prov": prov}


def _reads(w):
    r, a, i = w["round"].id, w["a"].id, w["ind"].id
    return [
        "/evaluation/",
        f"/evaluation/rounds/{r}",
        f"/evaluation/rounds/{r}?class=lagging",
        f"/evaluation/rounds/{r}/report",
        f"/evaluation/rounds/{r}/report.xlsx",
        f"/evaluation/rounds/{r}/compare",
        f"/evaluation/assessments/{a}",
        "/evaluation/indicators",
        f"/evaluation/indicators/{i}",
    ]


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_every_page(world, role_client, role):
    client = role_client(role)
    for url in _reads(world):
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(f"/evaluation/rounds/{world['round'].id}/report").get_data(as_text=True)
    assert "<svg" in page and "主要目标指标完成情况" in page and "征地拆迁未完成" in page


def test_anonymous_users_are_sent_to_login(world, client):
    for url in _reads(world):
        assert client.get(url).status_code == 302


WRITES = [
    # (name, allowed roles)
    ("new_round", {"admin", "planner", "reviewer"}),
    ("edit_assessment", {"admin", "reviewer"}),
    ("refresh", {"admin", "reviewer"}),
    ("record_value", {"admin", "planner"}),
    ("set_target", {"admin", "planner"}),
    ("finalize", {"admin", "reviewer"}),
]


def _post(client, w, name, n=0):
    r, a = w["round"].id, w["a"]
    session.refresh(a)
    forms = {
        "new_round": (
            "/evaluation/rounds",
            {"plan_id": w["plan"].id, "name": f"年度评估{n}", "as_of": "2022-12-31"},
        ),
        "edit_assessment": (
            f"/evaluation/assessments/{a.id}/edit",
            {
                "final_class": "lagging",
                "score": "70",
                "comment": f"意见{n}",
                "updated_at": a.updated_at.isoformat(),
            },
        ),
        "refresh": (f"/evaluation/rounds/{r}/refresh", {}),
        "record_value": (f"/evaluation/indicators/{w['ind'].id}/values", {"year": "2022", "value": "50"}),
        "set_target": (f"/evaluation/indicators/{w['prov'].id}/target", {"target": "≥13.5"}),
        "finalize": (f"/evaluation/rounds/{r}/finalize", {}),
    }
    url, data = forms[name]
    return client.post(url, data=data)


@pytest.mark.parametrize(("name", "allowed"), WRITES)
def test_writes_follow_the_role_table(world, role_client, name, allowed):
    for n, role in enumerate(ROLES):
        response = _post(role_client(role), world, name, n)
        expected = 302 if role in allowed else 403
        assert response.status_code == expected, (role, response.get_data(as_text=True)[:300])
        if name == "finalize" and role in allowed:
            return  # once finalized, later roles would meet a frozen round


def test_reopen_is_for_planners(world, role_client):
    r = world["round"].id
    assert role_client("reviewer").post(f"/evaluation/rounds/{r}/finalize").status_code == 302
    for role in ("reviewer", "officer"):
        assert (
            role_client(role).post(f"/evaluation/rounds/{r}/reopen", data={"reason": "x"}).status_code == 403
        )
    planner = role_client("planner")
    no_reason = planner.post(f"/evaluation/rounds/{r}/reopen", data={"reason": ""}, follow_redirects=True)
    assert "必须填写理由" in no_reason.get_data(as_text=True)
    assert session.get(EvaluationRound, r).status == RoundStatus.FINALIZED
    done = planner.post(f"/evaluation/rounds/{r}/reopen", data={"reason": "补充数据"}, follow_redirects=True)
    assert "已重新开启" in done.get_data(as_text=True)
    session.expire_all()
    assert session.get(EvaluationRound, r).status == RoundStatus.DRAFT


def test_bad_input_gets_a_message_and_changes_nothing(world, role_client):
    client, a = role_client("reviewer"), world["a"]
    url = f"/evaluation/assessments/{a.id}/edit"
    token = a.updated_at.isoformat()
    missing = client.post(url, data={"final_class": "on_schedule", "comment": "保留我", "updated_at": token})
    assert missing.status_code == 400
    body = missing.get_data(as_text=True)
    assert "必须填写调整理由" in body and "保留我" in body  # the typed comment is not lost
    stale = client.post(url, data={"final_class": "lagging", "updated_at": "2000-01-01T00:00:00"})
    assert stale.status_code == 409 and "已被他人修改" in stale.get_data(as_text=True)
    bad_score = client.post(url, data={"final_class": "lagging", "score": "abc", "updated_at": token})
    assert bad_score.status_code == 400
    session.expire_all()
    assert session.get(ProjectAssessment, a.id).comment is None
    planner = role_client("planner")
    words = planner.post(
        f"/evaluation/indicators/{world['ind'].id}/values", data={"year": "2022", "value": "很好"}
    )
    assert words.status_code == 400 and "应为数字" in words.get_data(as_text=True)
    dup = planner.post(
        "/evaluation/rounds", data={"plan_id": world["plan"].id, "name": "中期评估", "as_of": "2023-12-31"}
    )
    assert dup.status_code == 400 and "已存在" in dup.get_data(as_text=True)


def test_finalized_round_is_read_only_over_http(world, role_client):
    r, a = world["round"].id, world["a"]
    reviewer = role_client("reviewer")
    reviewer.post(f"/evaluation/rounds/{r}/finalize")
    page = reviewer.get(f"/evaluation/assessments/{a.id}").get_data(as_text=True)
    assert "评估记录只读" in page and "save-assessment" not in page
    response = reviewer.post(
        f"/evaluation/assessments/{a.id}/edit",
        data={"final_class": "completed", "override_reason": "x", "updated_at": a.updated_at.isoformat()},
    )
    assert response.status_code == 409 and "已定稿" in response.get_data(as_text=True)


def test_officers_see_only_their_projects_in_the_working_list(world, role_client):
    r, p = world["round"].id, world["projects"]
    page = role_client("other_officer").get(f"/evaluation/rounds/{r}").get_data(as_text=True)
    assert p["B"].name in page and p["E"].name in page and p["A"].name not in page
    other = session.scalar(
        select(ProjectAssessment).where(
            ProjectAssessment.round_id == r, ProjectAssessment.project_id == p["A"].id
        )
    )
    assert role_client("other_officer").get(f"/evaluation/assessments/{other.id}").status_code == 404


def _table(ws) -> list[tuple]:
    """A sheet's table rows under its header (row 3, under the title and the unit/date line), up to the
    blank row above its 口径说明."""
    rows = []
    for row in ws.iter_rows(min_row=4, values_only=True):
        if all(v is None for v in row):
            break
        rows.append(row)
    return rows


def _notes(ws) -> list[str]:
    """The 口径说明 lines under a sheet's table."""
    texts = [row[0] for row in ws.iter_rows(values_only=True) if row and isinstance(row[0], str)]
    return texts[texts.index("口径说明：") :] if "口径说明：" in texts else []


def test_report_workbook_reopens_and_matches_the_database(world, role_client):
    round_ = world["round"]
    response = role_client("reviewer").get(f"/evaluation/rounds/{round_.id}/report.xlsx")
    assert response.status_code == 200
    wb = load_workbook(BytesIO(response.data))
    assert wb.sheetnames == [
        "评估概况",
        "指标评估",
        "项目分类",
        "规划调整情况",
        "分类别统计",
        "分县区统计",
        "滞后及未启动项目",
        "评审意见",
    ]
    projects = _table(wb["项目分类"])
    in_db = session.scalar(select(func.count()).where(ProjectAssessment.round_id == round_.id))
    assert len(projects) == in_db == len(world["projects"])
    approved = session.scalar(
        select(func.sum(StatusReport.invested_wan))
        .join(ReportingPeriod)
        .where(StatusReport.status == ReportStatus.APPROVED, ReportingPeriod.ends_on <= round_.as_of)
    )
    assert float(approved) == sum(INVESTED_BY_MID_TERM.values())
    assert sum(row[9] for row in projects) == pytest.approx(float(approved))
    planned = session.scalar(
        select(func.sum(AnnualPlan.amount_wan)).where(AnnualPlan.year <= round_.as_of.year)
    )
    assert sum(row[8] for row in projects) == pytest.approx(float(planned))
    for sheet in ("分类别统计", "分县区统计"):
        rows = _table(wb[sheet])
        at = [r[0] for r in rows].index("合计")
        total, apart = rows[at], rows[at + 1 :]  # withdrawn and cancelled projects on their own line
        assert total[1] == in_db and sum(r[1] for r in rows[:at]) == in_db
        assert [r[0] for r in apart] in ([], ["调出、取消项目（单列，不计入合计和完成率）"])
        assert all(r[-2] in (None, "", "—") for r in apart)  # no rate on the separate line
        done = float(total[-3]) + sum(float(r[-3]) for r in apart)
        assert done == pytest.approx(float(approved))
        assert float(total[-4]) + sum(float(r[-4]) for r in apart) == pytest.approx(float(planned))
        assert float(total[-2]) == pytest.approx(round(float(total[-3]) / float(total[-4]) * 100, 1))
    by_class = dict(
        session.execute(
            select(ProjectAssessment.final_class, func.count())
            .where(ProjectAssessment.round_id == round_.id)
            .group_by(ProjectAssessment.final_class)
        ).all()
    )
    classes = len(ProjectAssessment.final_class.type.enum_class)
    summary = {r[0]: r[1] for r in wb["评估概况"].iter_rows(min_row=4, max_row=3 + classes, values_only=True)}
    assert summary == {k.label: by_class.get(k, 0) for k in ProjectAssessment.final_class.type.enum_class}
    concerns = _table(wb["滞后及未启动项目"])
    assert len(concerns) == 7  # 4 lagging and 3 not started in the hand-computed portfolio
    assert len(_table(wb["指标评估"])) == 25


def test_page_queries_do_not_grow_with_projects(world, role_client, users):
    client = role_client("reviewer")
    r = world["round"]
    urls = [
        f"/evaluation/rounds/{r.id}",
        f"/evaluation/rounds/{r.id}/report",
        f"/evaluation/rounds/{r.id}/compare",
    ]
    small = [statements_for(client, u) for u in urls]
    bulk_projects(150, world["plan"])
    session.commit()
    client.post(f"/evaluation/rounds/{r.id}/refresh")
    large = [statements_for(client, u) for u in urls]
    assert large == small


def test_round_page_read_again_is_remembered_and_shows_an_edit_at_once(world, role_client):
    client, url = role_client("reviewer"), f"/evaluation/rounds/{world['round'].id}"
    whole = statements_for(client, url)
    # Again: the signed-in user with the session row, the round, the data version; no counts or rows.
    assert statements_for(client, url, remembered=True) <= 5 < whole
    row = f'/evaluation/assessments/{world["a"].id}"'
    assert "意见7" not in client.get(url).get_data(as_text=True).split(row, 1)[1].split("</tr>", 1)[0]
    world["a"] = session.get(ProjectAssessment, world["a"].id)  # statements_for closed the session
    assert _post(client, world, "edit_assessment", 7).status_code == 302
    shown = client.get(url).get_data(as_text=True).split(row, 1)[1].split("</tr>", 1)[0]
    assert "意见7" in shown and "已确认" in shown and ">70.0<" in shown


def test_the_form_carries_a_token_that_saves(world, role_client):
    import re

    client, a = role_client("reviewer"), world["a"]
    page = client.get(f"/evaluation/assessments/{a.id}").get_data(as_text=True)
    token = re.search(r'name="updated_at" type="hidden" value="([^"]+)"', page).group(1)
    saved = client.post(
        f"/evaluation/assessments/{a.id}/edit",
        data={"final_class": "lagging", "comment": "同意", "updated_at": token},
    )
    assert saved.status_code == 302
    again = client.post(
        f"/evaluation/assessments/{a.id}/edit",
        data={"final_class": "lagging", "comment": "再改", "updated_at": token},
    )
    assert again.status_code == 409  # the same token a second time is stale


def test_an_empty_plan_and_a_later_plan_render(app, users, role_client):
    from portfolio.projects.seed_data import PLAN_14
    from portfolio.projects.services import load_plan

    later = load_plan(
        {**PLAN_14, "name": "焦作市“十五五”生态环境保护规划", "short_name": "十五五"}
        | {"start_year": 2026, "end_year": 2030}
    )
    assert default_rounds(later)[0][1].isoformat() == "2028-12-31"
    round_ = create_round(users["planner"], later, *default_rounds(later)[1])
    session.commit()
    client = role_client("reviewer")
    for url in (f"/evaluation/rounds/{round_.id}", f"/evaluation/rounds/{round_.id}/report", "/evaluation/"):
        assert client.get(url).status_code == 200
    page = client.get(f"/evaluation/rounds/{round_.id}/report").get_data(as_text=True)
    assert "该规划尚未载入指标" in page and "2030-12-31" in page
    wb = load_workbook(BytesIO(client.get(f"/evaluation/rounds/{round_.id}/report.xlsx").data))
    assert _table(wb["项目分类"]) == []
    listing = client.get("/evaluation/").get_data(as_text=True)
    assert "新建“十五五”中期评估（截至 2028-12-31）" in listing and "新建“十五五”终期评估" not in listing


def test_reviewer_text_never_becomes_a_formula(world, role_client):
    client, a = role_client("reviewer"), world["a"]
    evil = '=HYPERLINK("http://example.invalid","点我")'
    saved = client.post(
        f"/evaluation/assessments/{a.id}/edit",
        data={"final_class": "lagging", "comment": evil, "updated_at": a.updated_at.isoformat()},
    )
    assert saved.status_code == 302
    wb = load_workbook(BytesIO(client.get(f"/evaluation/rounds/{world['round'].id}/report.xlsx").data))
    cells = [c for row in wb["评审意见"].iter_rows(min_row=2) for c in row if c.value == evil]
    assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells)


def test_malformed_fields_get_chinese_messages(world, role_client):
    reviewer, planner, a = role_client("reviewer"), role_client("planner"), world["a"]
    bad_date = planner.post(
        "/evaluation/rounds", data={"plan_id": world["plan"].id, "name": "保留的名称", "as_of": "明年"}
    )
    assert bad_date.status_code == 400
    assert "日期格式应为" in bad_date.get_data(as_text=True) and "保留的名称" in bad_date.get_data(
        as_text=True
    )
    bogus = reviewer.post(
        f"/evaluation/assessments/{a.id}/edit",
        data={"final_class": "bogus", "score": "七十", "updated_at": a.updated_at.isoformat()},
    )
    body = bogus.get_data(as_text=True)
    assert bogus.status_code == 400 and "请从列表中选择" in body and "应填写数字" in body
    year = planner.post(
        f"/evaluation/indicators/{world['ind'].id}/values", data={"year": "去年", "value": "1"}
    )
    assert year.status_code == 400 and "请从列表中选择" in year.get_data(as_text=True)
    for response in (bad_date, bogus, year):
        assert "Not a valid" not in response.get_data(as_text=True)
    assert session.scalar(select(func.count(EvaluationRound.id))) == 1


def test_a_stale_finalize_is_refused(world, role_client):
    r = world["round"]
    stale = role_client("reviewer").post(
        f"/evaluation/rounds/{r.id}/finalize", data={"version": r.version + 5}, follow_redirects=True
    )
    assert "已被他人修改" in stale.get_data(as_text=True)
    session.expire_all()
    assert session.get(EvaluationRound, r.id).status == RoundStatus.DRAFT
    done = role_client("reviewer").post(f"/evaluation/rounds/{r.id}/finalize", data={"version": r.version})
    assert done.status_code == 302
    session.expire_all()
    assert session.get(EvaluationRound, r.id).status == RoundStatus.FINALIZED


def test_every_sheet_of_the_report_workbook_ends_with_its_definitions(world, role_client):
    """口径说明 under each sheet, word for word from portfolio.definitions, as under the 调度表."""
    from portfolio.definitions import notes_for
    from portfolio.evaluation.report_notes import SHEET_NOTES

    response = role_client("reviewer").get(f"/evaluation/rounds/{world['round'].id}/report.xlsx")
    wb = load_workbook(BytesIO(response.data))
    assert set(SHEET_NOTES) == set(wb.sheetnames)
    for ws in wb.worksheets:
        expected = ["口径说明："] + [f"{d.name}：{d.rule}" for d in notes_for(*SHEET_NOTES[ws.title])]
        assert _notes(ws) == expected, ws.title
        first = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "口径说明：")
        merged = {str(m) for m in ws.merged_cells.ranges}
        assert any(m.startswith(f"A{first}:") for m in merged), ws.title  # across the table
    groups = _notes(wb["分类别统计"])
    assert any(
        line.startswith("计划完成率（评估）：系统内累计完成投资 ÷ 截至评估年计划投资") for line in groups
    )
    assert any(line.startswith("规划期投资完成率：") for line in groups)
    head = next(wb["分类别统计"].iter_rows(min_row=3, max_row=3, values_only=True))
    assert "计划完成率(%)（÷截至评估年计划投资）" in head and "规划期投资完成率(%)（÷规划期投资）" in head
    assert "系统内累计完成投资(万元)" in head
    page = (
        role_client("reviewer").get(f"/evaluation/rounds/{world['round'].id}/report").get_data(as_text=True)
    )
    assert page.count('data-definition="evaluation_plan_rate"') == 2  # under both group tables
    assert "（÷截至评估年计划投资）" in page
