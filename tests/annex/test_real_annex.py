"""The shipped annex: 86 projects, totals equal to its own category and 合计 rows, idempotent re-import."""

import json

from sqlalchemy import func, select

from portfolio.annex.models import ImportBatch
from portfolio.annex.services import import_annex
from portfolio.audit.models import AuditEntry
from portfolio.db import money, session
from portfolio.projects.models import Project, ProjectUnit, Unit
from tests.annex.helpers import ANNEX, annex_bytes, plan, stated_rows, stored_totals


def test_real_annex_imports_every_project_with_the_annex_totals(app):
    report = import_annex(None, annex_bytes(), ANNEX.name, plan())
    session.commit()
    assert report.ok, [i.message for i in report.errors]
    assert report.counts["created"] == 86 == len(report.projects)
    categories, grand = stated_rows()
    stored = stored_totals(plan().id)
    assert len(stored) == 10 == len(categories)
    for name, stated in categories.items():
        assert stored[name]["total"] == money(stated["total"]), name
        assert stored[name]["fyp"] == money(stated["fyp"]), name
    total = money(session.scalar(select(func.sum(Project.total_investment_wan))))
    assert total == money(grand["total"]) == money("2541345.3")
    assert not [i for i in report.issues if i.code in ("total-mismatch", "count-mismatch")]


def test_second_import_changes_nothing(app):
    import_annex(None, annex_bytes(), ANNEX.name, plan())
    session.commit()
    versions = dict(session.execute(select(Project.id, Project.version)).all())
    audits = session.scalar(select(func.count(AuditEntry.id)))
    report = import_annex(None, annex_bytes(), ANNEX.name, plan())
    session.commit()
    assert report.counts["unchanged"] == 86
    assert report.counts["created"] == report.counts["updated"] == report.counts["withdrawn"] == 0
    assert dict(session.execute(select(Project.id, Project.version)).all()) == versions
    # Only the second batch's own entry is added.
    assert session.scalar(select(func.count(AuditEntry.id))) == audits + 1
    assert session.scalar(select(func.count(ImportBatch.id))) == 2


def test_units_split_lead_first_and_county_units_belong_to_their_county(app):
    import_annex(None, annex_bytes(), ANNEX.name, plan())
    session.commit()
    project = session.scalar(select(Project).where(Project.name.like("温县、沁阳、武陟县等%")))
    names = [link.unit.name for link in project.unit_links]
    assert names == ["温县人民政府", "沁阳市人民政府", "武陟县人民政府", "市城市管理局"]
    assert [link.is_lead for link in project.unit_links] == [True, False, False, False]
    assert sorted(loc.name for loc in project.locations) == sorted(["温县", "沁阳市", "武陟县"])
    wen = session.scalar(select(Unit).where(Unit.name == "温县人民政府"))
    assert wen.county.name == "温县"
    zone = session.scalar(select(Unit).where(Unit.name == "市城乡一体化示范区管委会"))
    assert zone.county.name == "示范区"
    bureau = session.scalar(select(Unit).where(Unit.name == "市生态环境局"))
    assert bureau.county is None
    assert session.scalar(select(func.count()).select_from(ProjectUnit).where(ProjectUnit.is_lead)) == 86


def test_json_report_has_the_documented_shape(app):
    report = import_annex(None, annex_bytes(), ANNEX.name, plan(), dry_run=True)
    data = json.loads(report.to_json())
    assert set(data["counts"]) >= {"created", "updated", "unchanged", "withdrawn", "errors", "warnings"}
    first = data["projects"][0]
    assert first["category"] == 1 and first["subcategory"] == "产业体系提升工程"
    assert first["planned_start"] == "2021-01" and first["planned_end"] == "2023-09"
    assert list(first["annual_plan_wan"]) == [str(y) for y in plan().years]
    assert first["units"][0] == {"name": "武陟县人民政府", "lead": True}
    assert first["total_investment_wan"] == 48560
    for issue in data["issues"]:
        assert set(issue) == {"severity", "code", "sheet", "row", "column", "header", "value", "message"}
    assert session.scalar(select(func.count(Project.id))) == 0  # dry run wrote nothing


def test_cli_imports_with_json_and_exit_codes(app, runner, tmp_path):
    result = runner.invoke(args=["import-annex", str(ANNEX), "--dry-run", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["counts"]["created"] == 86
    assert session.scalar(select(func.count(Project.id))) == 0
    result = runner.invoke(args=["import-annex", str(ANNEX), "--plan", plan().short_name])
    assert result.exit_code == 0, result.output
    assert "新增 86" in result.output
    session.expire_all()
    assert session.scalar(select(func.count(Project.id))) == 86
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"a,b,c\n1,2,3\n")
    result = runner.invoke(args=["import-annex", str(broken)])
    assert result.exit_code == 2
    assert "CSV" in result.output
    result = runner.invoke(args=["import-annex", str(ANNEX), "--plan", "不存在的规划"])
    assert result.exit_code == 2
