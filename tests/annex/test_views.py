"""The annex pages over HTTP: upload → preview → confirm, stale previews, the error report, batches."""

import io

import openpyxl
import pytest
from sqlalchemy import func, select

from portfolio.annex.models import ImportBatch
from portfolio.db import session
from portfolio.localtime import to_local
from portfolio.projects.models import Project
from tests.annex.helpers import annex_bytes, plan
from tests.annex.workbooks import Layout, annex_rows, build
from tests.factories import make_project
from tests.querycount import statements_for


def _upload(client, data: bytes, name: str = "annex.xlsx"):
    return client.post(
        "/annex/upload",
        data={"plan_id": str(plan().id), "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def _confirm_fields(html: str) -> dict:
    fields = {}
    for key in ("sha256", "plan_id", "fingerprint"):
        marker = f'name="{key}" type="hidden" value="'
        start = html.index(marker) + len(marker)
        fields[key] = html[start : html.index('"', start)]
    return fields


def _count(model=Project) -> int:
    session.expire_all()
    return session.scalar(select(func.count(model.id)))


@pytest.mark.parametrize(
    ("role", "status"), [("admin", 200), ("planner", 200), ("reviewer", 403), ("officer", 403)]
)
def test_only_planners_and_admins_reach_the_upload_page(role_client, role, status):
    assert role_client(role).get("/annex/upload").status_code == status
    assert role_client(role).get("/annex/batches").status_code == status


def test_anonymous_users_are_sent_to_login(client):
    assert client.get("/annex/upload").status_code in (302, 401)


def test_upload_previews_then_confirm_imports(role_client):
    planner = role_client("planner")
    page = _upload(planner, annex_bytes())
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "新增项目（86）" in html and "确认导入" in html
    assert _count() == 0
    done = planner.post("/annex/confirm", data=_confirm_fields(html))
    assert done.status_code == 302
    assert _count() == 86 and _count(ImportBatch) == 1
    batch_page = planner.get(done.headers["Location"])
    assert batch_page.status_code == 200 and "导入记录：annex.xlsx" in batch_page.get_data(as_text=True)
    assert "annex.xlsx" in planner.get("/annex/batches").get_data(as_text=True)


def test_an_imported_projects_page_names_the_file_and_date_linked_for_those_who_import(role_client):
    planner = role_client("planner")
    html = _upload(planner, annex_bytes(), name="焦作附件.xlsx").get_data(as_text=True)
    planner.post("/annex/confirm", data=_confirm_fields(html))
    batch = session.scalar(select(ImportBatch))
    project = session.scalar(select(Project).where(Project.import_batch_id == batch.id).limit(1))
    when = to_local(batch.imported_at).strftime("%Y-%m-%d %H:%M")
    seen = {}
    for role in ("planner", "reviewer"):
        page = role_client(role).get(f"/projects/{project.id}").get_data(as_text=True)
        row = page.split("<th>数据来源</th>", 1)[1].split("</tr>", 1)[0]
        assert "焦作附件.xlsx" in row and when in row and f"第 {project.source_row} 行" in row
        assert "#" not in row and "批次" not in row
        seen[role] = f'href="/annex/batches/{batch.id}"' in row
    assert seen == {"planner": True, "reviewer": False}  # only those who may open the import record


def test_preview_shows_field_changes_and_withdrawals(role_client):
    planner = role_client("planner")
    rows = annex_rows()
    planner.post(
        "/annex/confirm", data=_confirm_fields(_upload(planner, build(Layout(), rows)).get_data(True))
    )
    projects = [r for r in rows if r.kind == "project"]
    projects[0].values["total"] = 50000
    rows.remove(projects[1])
    html = _upload(planner, build(Layout(), rows)).get_data(as_text=True)
    assert "更新项目（1）" in html and "48,560" in html and "50,000" in html
    assert "调出项目（1）" in html and projects[1].values["name"] in html


def test_stale_preview_is_refused(role_client):
    planner = role_client("planner")
    fields = _confirm_fields(_upload(planner, annex_bytes()).get_data(as_text=True))
    make_project(name="预览后新增的项目")
    session.commit()
    response = planner.post("/annex/confirm", data=fields, follow_redirects=True)
    assert "预览之后项目库已有变化" in response.get_data(as_text=True)
    assert _count() == 1


def test_confirm_never_trusts_an_unknown_file_key(role_client):
    planner = role_client("planner")
    fields = {"sha256": "0" * 64, "plan_id": str(plan().id), "fingerprint": "x"}
    response = planner.post("/annex/confirm", data=fields, follow_redirects=True)
    assert "请重新上传" in response.get_data(as_text=True)
    response = planner.post(
        "/annex/confirm", data=dict(fields, sha256="../../etc/passwd"), follow_redirects=True
    )
    assert "预览已失效" in response.get_data(as_text=True)
    assert _count() == 0


def test_errors_block_the_confirm_and_download_as_a_marked_workbook(role_client):
    planner = role_client("planner")
    rows = annex_rows()
    bad = [r for r in rows if r.kind == "project"][1]
    bad.values["total"] = "很多"
    page = _upload(planner, build(Layout(), rows))
    html = page.get_data(as_text=True)
    assert "不能导入" in html and "确认导入" not in html
    sha = _confirm_fields_sha(html)
    download = planner.get(f"/annex/error-report?file={sha}&plan={plan().id}")
    assert download.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(download.data))
    assert wb.sheetnames[0] == "问题清单"
    listing = [row for row in wb["问题清单"].iter_rows(min_row=2, values_only=True)]
    excel_row = 5 + rows.index(bad)
    assert ("错误", "bad-money", "重大工程项目", excel_row, "G") in [r[:5] for r in listing]
    marked = wb["重大工程项目"][f"G{excel_row}"]
    assert marked.value == "很多"
    assert marked.fill.fgColor.rgb.endswith("F8C9C9")
    assert "bad-money" in marked.comment.text
    assert _count() == 0


def _confirm_fields_sha(html: str) -> str:
    marker = "error-report?file="
    start = html.index(marker) + len(marker)
    return html[start : start + 64]


def test_unreadable_upload_gets_a_chinese_message(role_client):
    response = _upload(role_client("admin"), b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "old.xls")
    assert response.status_code == 400
    assert "旧版 Excel" in response.get_data(as_text=True)


def test_upload_without_a_file_shows_the_form_error(role_client):
    response = role_client("planner").post("/annex/upload", data={"plan_id": str(plan().id)})
    assert "请选择要导入的附件文件" in response.get_data(as_text=True)


def test_error_report_of_a_missing_file_redirects_with_a_message(role_client):
    response = role_client("planner").get(
        f"/annex/error-report?file={'a' * 64}&plan={plan().id}", follow_redirects=True
    )
    assert "请重新上传" in response.get_data(as_text=True)


def test_unknown_batch_is_404(role_client):
    assert role_client("planner").get("/annex/batches/999").status_code == 404


def test_preview_is_stale_after_an_annual_plan_edit(role_client):
    from portfolio.projects.models import AnnualPlan

    planner = role_client("planner")
    planner.post("/annex/confirm", data=_confirm_fields(_upload(planner, annex_bytes()).get_data(True)))
    rows = annex_rows()
    next(r for r in rows if r.kind == "project").values["total"] = 50000
    fields = _confirm_fields(_upload(planner, build(Layout(), rows)).get_data(as_text=True))
    plan_row = session.scalar(select(AnnualPlan).order_by(AnnualPlan.project_id, AnnualPlan.year))
    plan_row.amount_wan += 1
    session.commit()
    response = planner.post("/annex/confirm", data=fields, follow_redirects=True)
    assert "预览之后项目库已有变化" in response.get_data(as_text=True)
    assert _count(ImportBatch) == 1


def test_batch_pages_run_a_fixed_number_of_statements(role_client):
    from portfolio.adjustments.services import AdjustmentNote
    from portfolio.annex.services import import_annex

    planner = role_client("planner")
    rows = annex_rows()
    first = import_annex(None, build(Layout(), rows[:20]), "small.xlsx", plan()).batch_id
    session.commit()
    small = [statements_for(planner, "/annex/batches"), statements_for(planner, f"/annex/batches/{first}")]
    note = AdjustmentNote("补充纳入规划项目", "焦环〔2024〕2号")
    second = import_annex(None, build(Layout(), rows), "full.xlsx", plan(), note=note).batch_id
    session.commit()
    large = [statements_for(planner, "/annex/batches"), statements_for(planner, f"/annex/batches/{second}")]
    assert large == small
