"""The import's bulk writes: what they store is what the ORM reads back, and a failure midway through
one of them leaves nothing written (on SQLite and, with TEST_DATABASE_URL, on PostgreSQL)."""

from datetime import datetime

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from portfolio.adjustments import services as adjustment_services
from portfolio.adjustments.models import BaselineProject, PlanAdjustment, PlanBaseline
from portfolio.adjustments.services import AdjustmentNote
from portfolio.annex import create
from portfolio.annex.models import ImportBatch
from portfolio.annex.services import import_annex
from portfolio.audit import services as audit_services
from portfolio.audit.models import AuditEntry
from portfolio.db import insert_rows, session
from portfolio.funding.models import ProjectFunding
from portfolio.projects.models import AnnualPlan, LifecycleStatus, Project, ProjectLocation, ProjectUnit
from tests.annex.helpers import plan
from tests.annex.workbooks import Layout, Row, annex_rows, build

WRITTEN = (Project, ProjectLocation, ProjectUnit, AnnualPlan, ProjectFunding, ImportBatch, PlanBaseline)


def _count(model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def _failing_midway(table_name: str, monkeypatch) -> list[int]:
    """Make the first bulk insert of 3 rows or more into table_name hit a NOT NULL violation on its
    middle row; returns the sizes of the inserts broken (one, once it has happened)."""
    real, sizes = create.insert_rows, []

    def insert_rows(conn, table, columns, rows):
        rows = list(rows)
        if table.name == table_name and len(rows) > 2 and not sizes:  # rows before and after the bad one
            sizes.append(len(rows))
            middle = len(rows) // 2
            broken = list(rows[middle])
            broken[columns.index("project_id" if "project_id" in columns else "action")] = None
            rows[middle] = tuple(broken)
        return real(conn, table, columns, rows)

    for module in (create, audit_services, adjustment_services):
        monkeypatch.setattr(module, "insert_rows", insert_rows)
    return sizes


@pytest.mark.parametrize("table_name", ["audit_entries", "annual_plans"])
def test_a_bulk_insert_failing_midway_leaves_nothing_written(app, runner, tmp_path, monkeypatch, table_name):
    path = tmp_path / "annex.xlsx"
    path.write_bytes(build(Layout()))
    audit_before = _count(AuditEntry)
    sizes = _failing_midway(table_name, monkeypatch)

    result = runner.invoke(args=["import-annex", str(path)])

    assert isinstance(result.exception, IntegrityError), result.output
    assert sizes  # the broken row had rows before and after it in the same bulk insert
    assert {model.__name__: _count(model) for model in WRITTEN} == dict.fromkeys(
        (model.__name__ for model in WRITTEN), 0
    )
    assert _count(BaselineProject) == 0
    assert _count(AuditEntry) == audit_before


def test_bulk_written_projects_read_back_as_the_file_gave_them(app):
    report = import_annex(None, build(Layout()), "annex.xlsx", plan())
    session.commit()
    session.expire_all()
    by_name = {p.name: p for p in session.scalars(select(Project))}
    assert len(by_name) == sum(r.kind == "project" for r in annex_rows()) == report.counts["created"]
    for record in report.projects:
        project = by_name[record.name]
        assert project.id == record.project_id
        assert project.status is LifecycleStatus.PLANNING and project.version == 1
        assert project.total_investment_wan == record.total_investment_wan
        assert project.span_investment_wan == record.span_investment_wan
        assert (project.planned_start, project.planned_end) == (record.planned_start, record.planned_end)
        assert {a.year: a.amount_wan for a in project.annual_plans} == {
            y: a for y, a in record.annual_plan_wan.items() if a is not None
        }
        assert [link.unit.name for link in project.unit_links] == record.units
        assert [link.is_lead for link in project.unit_links] == [i == 0 for i in range(len(record.units))]
        assert sorted(loc.name for loc in project.locations) == sorted(record.locations)
    entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "project.import_create")).all()
    assert len(entries) == len(by_name)
    for entry in entries:
        assert entry.before is None
        assert entry.after["name"] in by_name and entry.entity_id == by_name[entry.after["name"]].id
    baseline = session.scalars(select(BaselineProject)).all()
    assert {b.project_id for b in baseline} == {p.id for p in by_name.values()}
    for row in baseline:
        project = session.get(Project, row.project_id)
        assert row.total_investment_wan == project.total_investment_wan and row.member is True
        assert row.annual == {str(a.year): str(a.amount_wan) for a in project.annual_plans}


@pytest.mark.parametrize("table_name", ["audit_entries", "plan_adjustments"])
def test_a_reimport_failing_midway_in_a_bulk_insert_changes_nothing(app, monkeypatch, table_name):
    rows = annex_rows()
    import_annex(None, build(Layout(), rows), "v1.xlsx", plan())
    session.commit()
    projects = [r for r in rows if r.kind == "project"]
    for row in projects[:5]:  # five changed, one withdrawn, one added: several rows in each bulk insert
        row.values.update(total=row.values["total"] + 1, fyp=row.values["fyp"])
    rows.remove(projects[5])
    rows.insert(rows.index(projects[6]), Row("project", dict(projects[6].values, seq=99, name="新增项目")))
    stored = {p.name: (p.total_investment_wan, p.status, p.version) for p in session.scalars(select(Project))}
    counts = {model.__name__: _count(model) for model in (*WRITTEN, AuditEntry, PlanAdjustment)}
    sizes = _failing_midway(table_name, monkeypatch)

    with pytest.raises(IntegrityError):
        note = AdjustmentNote("调整", "焦环〔2024〕2号")
        import_annex(None, build(Layout(), rows), "v2.xlsx", plan(), note=note)
    session.rollback()

    assert sizes
    assert {model.__name__: _count(model) for model in (*WRITTEN, AuditEntry, PlanAdjustment)} == counts
    now = {p.name: (p.total_investment_wan, p.status, p.version) for p in session.scalars(select(Project))}
    assert now == stored


def test_insert_rows_writes_what_a_core_insert_writes(app):
    """Repeated values (a timestamp, JSON null) pass their bind processor once, distinct ones
    (dates, JSON objects) each; the stored text is the same either way, and a JSON object's integer keys
    are stored as strings, as json.dumps stores them."""
    table = AuditEntry.__table__
    at = [datetime(2024, 5, 1, 8, 30, 15, 123456)] * 4 + [datetime(2024, 5, 3)]
    after = [None, {"名称": "温县第1号工程"}, {1: "2021", "annual": {"2022": "10.5000"}}, None, None]
    rows = [(100 + i, "同一动作", f"摘要{i}", None, after[i], at[i]) for i in range(5)]
    columns = ("entity_id", "action", "summary", "before", "after", "at")
    conn = session.connection()
    insert_rows(conn, table, (*columns, "entity_type"), [(*r, "bulk") for r in rows])
    conn.execute(insert(table), [dict(zip(columns, r, strict=True), entity_type="core") for r in rows])
    stored = (
        "SELECT entity_id, action, summary, before, after, at FROM audit_entries WHERE entity_type = '{}'"
    )
    bulk = conn.exec_driver_sql(stored.format("bulk") + " ORDER BY entity_id").all()
    core = conn.exec_driver_sql(stored.format("core") + " ORDER BY entity_id").all()
    assert [tuple(r) for r in bulk] == [tuple(r) for r in core] and len(bulk) == 5
    read = select(AuditEntry.after).where(AuditEntry.entity_type == "bulk").order_by(AuditEntry.entity_id)
    assert session.scalars(read).all() == [
        None,
        {"名称": "温县第1号工程"},
        {"1": "2021", "annual": {"2022": "10.5000"}},
        None,
        None,
    ]
