"""The demo register as an OC4IDS 0.9 project package, validated against the vendored standard schema."""

import json
from decimal import Decimal
from pathlib import Path

import pytest
from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from sqlalchemy import delete, select

from portfolio.db import session
from portfolio.funding.models import ProjectFunding
from portfolio.projects.models import Category, LifecycleStatus, Plan, Project
from portfolio.reporting.models import ReportStatus, StatusReport
from tests.annex.helpers import stated_rows
from tests.api.helpers import get, token
from tests.factories import make_project
from tests.funding.helpers import sources

SCHEMA = Path(__file__).resolve().parents[2] / "portfolio" / "opendata" / "schema"


def _validator() -> Draft4Validator:
    project = json.loads((SCHEMA / "project-schema.json").read_text())
    package = json.loads((SCHEMA / "project-package-schema.json").read_text())
    registry = Registry().with_resource(project["id"], Resource.from_contents(project))
    return Draft4Validator(package, registry=registry, format_checker=FormatChecker())


def assert_valid(package: dict) -> None:
    errors = sorted(_validator().iter_errors(package), key=lambda e: list(e.absolute_path))
    assert [f"{list(e.absolute_path)}: {e.message}" for e in errors[:10]] == []


@pytest.fixture
def demo(app, runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    return app


def test_the_demo_register_exports_as_a_valid_package(demo, runner, tmp_path):
    out = tmp_path / "oc4ids.json"
    result = runner.invoke(args=["export-oc4ids", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert "86 个项目" in result.output
    package = json.loads(out.read_text(encoding="utf-8"))
    assert_valid(package)
    projects = package["projects"]
    ids = [p["id"] for p in projects]
    assert len(projects) == 86 and len(set(ids)) == 86
    assert all(i.startswith("oc4ids-jzsthj-") for i in ids)
    # budgets add up to the annex's 合计, in yuan
    _categories, grand = stated_rows()
    total = sum(Decimal(str(p["budget"]["amount"]["amount"])) for p in projects)
    assert total == grand["total"] * 10000
    assert {p["budget"]["amount"]["currency"] for p in projects} == {"CNY"}
    # the demo's funding breakdowns add up to each project's budget
    for p in projects:
        lines = p["budget"].get("budgetBreakdown", [])
        assert lines and sum(Decimal(str(b["amount"]["amount"])) for b in lines) == Decimal(
            str(p["budget"]["amount"]["amount"])
        )


def test_every_project_with_an_approved_report_has_progress_metrics(demo, runner, tmp_path):
    out = tmp_path / "oc4ids.json"
    runner.invoke(args=["export-oc4ids", "--output", str(out)])
    package = json.loads(out.read_text(encoding="utf-8"))
    counts: dict[int, int] = {}
    for pid in session.scalars(
        select(StatusReport.project_id).where(StatusReport.status == ReportStatus.APPROVED)
    ):
        counts[pid] = counts.get(pid, 0) + 1
    assert counts  # the demo has approved reports
    by_id = {int(p["id"].rsplit("-", 1)[1]): p for p in package["projects"]}
    for pid, p in by_id.items():
        if pid not in counts:
            assert "metrics" not in p
            continue
        metrics = {m["id"]: m for m in p["metrics"]}
        assert len(metrics["financialProgress"]["observations"]) == counts[pid]  # one per approved period
        values = [o["value"]["amount"] for o in metrics["financialProgress"]["observations"]]
        assert values == sorted(values)  # cumulative
    # drafts and submitted reports never reach the package
    pending = session.scalar(
        select(StatusReport).where(StatusReport.status != ReportStatus.APPROVED).limit(1)
    )
    if pending is not None:
        codes = [o["id"] for m in by_id[pending.project_id].get("metrics", []) for o in m["observations"]]
        assert pending.period.code not in codes


def test_mapping_of_one_project(demo, runner, tmp_path):
    project = session.scalar(
        select(Project).where(Project.status == LifecycleStatus.UNDER_CONSTRUCTION).limit(1)
    )
    loan, central = sources()["银行贷款"], sources()["中央预算内投资"]
    # the demo already gives each project a breakdown: replace it with a known one
    session.execute(delete(ProjectFunding).where(ProjectFunding.project_id == project.id))
    session.add_all(
        [
            ProjectFunding(project_id=project.id, source_id=loan.id, amount_wan=Decimal("1200.5")),
            ProjectFunding(project_id=project.id, source_id=central.id, amount_wan=Decimal(800)),
        ]
    )
    session.commit()
    out = tmp_path / "oc4ids.json"
    runner.invoke(args=["export-oc4ids", "--output", str(out), "--plan", "十四五"])
    package = json.loads(out.read_text(encoding="utf-8"))
    assert_valid(package)
    [p] = [x for x in package["projects"] if x["id"] == f"oc4ids-jzsthj-{project.id}"]
    assert p["title"] == project.name and p["status"] == "implementation"
    assert p["additionalClassifications"][0] == {
        "scheme": "JZ-PLAN-CATEGORY",
        "id": str(project.category.number),
        "description": project.category.name,
    }
    breakdown = {b["description"]: b for b in p["budget"]["budgetBreakdown"]}
    assert breakdown["银行贷款"]["amount"] == {"amount": 12005000, "currency": "CNY"}
    assert breakdown["中央预算内投资"]["amount"]["amount"] == 8000000
    funders = {x["id"] for x in p["parties"] if "funder" in x["roles"]}
    assert {b["sourceParty"]["id"] for b in breakdown.values()} == funders
    lead = next(x for x in p["parties"] if "leadUnit" in x["roles"])
    assert p["publicAuthority"] == {"id": lead["id"], "name": lead["name"]}
    for location in p["locations"]:
        if location["description"] == "温县":
            assert location["gazetteer"] == {"scheme": "CN-GBT2260", "identifiers": ["410825"]}
    assert "焦政办〔2022〕77号" in p["policyAlignment"]["description"]
    assert package["publishedDate"].endswith("Z") and package["version"] == "0.9"


def test_the_api_package_holds_only_the_officers_county(demo):
    from portfolio.auth.models import User

    wenxian = session.scalar(select(User).where(User.username == "wenxian"))
    admin = session.scalar(select(User).where(User.username == "admin"))
    client = demo.test_client()
    mine = get(client, "/api/v1/oc4ids.json", token(wenxian)).get_json()
    everything = get(client, "/api/v1/oc4ids.json", token(admin)).get_json()
    assert_valid(mine)
    assert_valid(everything)
    assert len(everything["projects"]) == 86 and 0 < len(mine["projects"]) < 86
    for p in mine["projects"]:
        pid = int(p["id"].rsplit("-", 1)[1])
        project = session.get(Project, pid)
        names = {loc.name for loc in project.locations} | {
            link.unit.county.name for link in project.unit_links if link.unit.county
        }
        assert "温县" in names
    assert mine["uri"].startswith("http://localhost/api/v1/oc4ids.json?plan=")


def test_the_validator_really_checks(app):
    bad = {"uri": "http://x/p.json", "version": "0.9", "publishedDate": "2024-01-01T00:00:00Z",
           "publisher": {"name": "x"}, "projects": [{"id": "a", "status": "suspended"}]}  # fmt: skip
    assert list(_validator().iter_errors(bad))
    assert list(_validator().iter_errors(dict(bad, projects=[])))  # a package needs a project


def _fifteenth_plan(with_project: bool) -> Plan:
    plan = Plan(name="焦作市“十五五”生态环境保护规划", short_name="十五五", start_year=2026, end_year=2030)
    plan.categories = [Category(number=1, name="减污降碳协同增效工程")]
    session.add(plan)
    session.flush()
    if with_project:
        make_project(plan=plan, name="十五五项目", annual={2026: Decimal(50)})
    session.commit()
    return plan


@pytest.mark.parametrize("with_project", [False, True])
def test_without_plan_two_plans_export_the_plan_the_api_shows(app, users, runner, tmp_path, with_project):
    make_project(name="十四五项目")
    session.commit()
    expected = "十五五" if with_project else "十四五"  # the newest plan that holds projects
    _fifteenth_plan(with_project)
    out = tmp_path / "oc4ids.json"
    result = runner.invoke(args=["export-oc4ids", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert f"规划 {expected}" in result.output and "1 个项目" in result.output
    package = json.loads(out.read_text(encoding="utf-8"))
    assert_valid(package)
    [exported] = package["projects"]
    assert exported["title"] == f"{expected}项目"
    api = get(app.test_client(), "/api/v1/oc4ids.json", token(users["planner"])).get_json()
    assert [p["id"] for p in api["projects"]] == [exported["id"]]


def test_an_unknown_plan_is_refused_in_chinese_naming_the_plans(app, runner, tmp_path):
    _fifteenth_plan(with_project=False)
    out = tmp_path / "oc4ids.json"
    result = runner.invoke(args=["export-oc4ids", "--output", str(out), "--plan", "十三五"])
    assert result.exit_code == 1 and not out.exists()
    assert "未找到规划“十三五”" in result.output and "十四五" in result.output and "十五五" in result.output
