"""Re-importing an adjusted annex: only changed fields change, a dropped project is 调出, progress stays."""

from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from portfolio.adjustments.services import AdjustmentNote
from portfolio.annex.services import import_annex
from portfolio.audit.models import AuditEntry
from portfolio.db import money, session
from portfolio.evaluation.models import EvaluationRound, ProjectAssessment, ProjectClass
from portfolio.projects.models import LifecycleStatus, Milestone, MilestoneKind, Project
from portfolio.reporting.models import PeriodKind, ReportingPeriod, StatusReport
from tests.annex.helpers import plan
from tests.annex.workbooks import Layout, Row, annex_rows, build


def _project(name: str) -> Project:
    return session.scalar(select(Project).where(Project.name == name))


def _progress(project: Project) -> None:
    """A milestone, an approved-looking report and an evaluation: what a re-import must never touch."""
    period = ReportingPeriod(
        plan_id=project.plan_id,
        code=f"T{project.id}",
        kind=PeriodKind.QUARTER,
        year=2023,
        number=1,
        starts_on=date(2023, 1, 1),
        ends_on=date(2023, 3, 31),
        deadline=date(2023, 4, 10),
    )
    rnd = EvaluationRound(plan_id=project.plan_id, name=f"中期评估{project.id}", as_of=date(2023, 6, 30))
    session.add_all([period, rnd])
    session.flush()
    session.add_all(
        [
            Milestone(
                project_id=project.id,
                kind=MilestoneKind.GROUNDBREAKING,
                planned_date=date(2021, 3, 1),
                actual_date=date(2021, 4, 1),
            ),
            StatusReport(
                project_id=project.id,
                period_id=period.id,
                progress_text="主体完工",
                invested_wan=Decimal("100"),
            ),
            ProjectAssessment(
                round_id=rnd.id,
                project_id=project.id,
                computed_class=ProjectClass.ON_SCHEDULE,
                final_class=ProjectClass.ON_SCHEDULE,
            ),
        ]
    )
    project.status = LifecycleStatus.UNDER_CONSTRUCTION
    session.flush()


# A re-import that adjusts the plan says why and on whose authority (see tests/adjustments).
NOTE = AdjustmentNote("按规划中期调整", "焦环〔2024〕1号")


def test_adjusted_annex_updates_changed_fields_withdraws_missing_and_keeps_progress(app):
    rows = annex_rows()
    import_annex(None, build(Layout(), rows), "v1.xlsx", plan())
    session.commit()
    projects = [r for r in rows if r.kind == "project"]
    changed, dropped, kept = projects[0], projects[1], projects[2]
    for p in (changed, dropped, kept):
        _progress(_project(p.values["name"]))
    session.commit()
    untouched_version = _project(kept.values["name"]).version

    changed.values.update(total=60000, units="武陟县人民政府")
    rows.remove(dropped)
    new = Row("project", dict(projects[3].values, seq=99, name="新增的调整项目"))
    rows.insert(rows.index(projects[3]) + 1, new)
    report = import_annex(None, build(Layout(), rows), "v2.xlsx", plan(), note=NOTE)
    session.commit()

    assert report.ok
    assert report.counts == dict(report.counts, created=1, updated=1, withdrawn=1, unchanged=84)
    record = next(p for p in report.projects if p.action == "updated")
    assert set(record.changes) == {"total_investment_wan", "units"}
    assert record.changes["total_investment_wan"] == (money(48560), money(60000))
    assert report.withdrawn == [dropped.values["name"]]

    session.expire_all()
    updated = _project(changed.values["name"])
    assert updated.total_investment_wan == money(60000)
    assert [link.unit.name for link in updated.unit_links] == ["武陟县人民政府"]
    assert updated.status == LifecycleStatus.UNDER_CONSTRUCTION  # reported status is not the annex's
    gone = _project(dropped.values["name"])
    assert gone is not None and gone.status == LifecycleStatus.WITHDRAWN
    assert _project(kept.values["name"]).version == untouched_version
    for model in (Milestone, StatusReport, ProjectAssessment):
        assert session.scalar(select(func.count()).select_from(model)) == 3
    entry = session.scalar(
        select(AuditEntry).where(
            AuditEntry.action == "project.import_update",
            AuditEntry.entity_id == updated.id,
        )
    )
    assert entry.before["total_investment_wan"] == 48560 and entry.after["total_investment_wan"] == 60000
    assert (
        session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "project.withdraw")) == 1
    )


def test_a_withdrawn_project_that_returns_is_restored(app):
    rows = annex_rows()
    import_annex(None, build(Layout(), rows), "v1.xlsx", plan())
    session.commit()
    dropped = next(r for r in rows if r.kind == "project")
    import_annex(None, build(Layout(), [r for r in rows if r is not dropped]), "v2.xlsx", plan(), note=NOTE)
    session.commit()
    again = import_annex(None, build(Layout(), [r for r in rows if r is not dropped]), "v2.xlsx", plan())
    assert again.counts["withdrawn"] == 0  # already 调出: not counted twice
    report = import_annex(None, build(Layout(), rows), "v3.xlsx", plan(), note=NOTE)
    session.commit()
    assert report.counts["updated"] == 1 and report.counts["created"] == 0
    assert _project(dropped.values["name"]).status == LifecycleStatus.PLANNING


def test_renamed_project_keeps_its_identity_by_seq_number(app):
    rows = annex_rows()
    import_annex(None, build(Layout(), rows), "v1.xlsx", plan())
    session.commit()
    target = [r for r in rows if r.kind == "project"][5]
    old_id = _project(target.values["name"]).id
    target.values["name"] = target.values["name"] + "（更名）"
    report = import_annex(None, build(Layout(), rows), "v2.xlsx", plan())
    session.commit()
    assert report.counts["created"] == 0 and report.counts["withdrawn"] == 0
    assert _project(target.values["name"]).id == old_id


def test_dry_run_of_an_adjusted_annex_writes_nothing(app):
    rows = annex_rows()
    import_annex(None, build(Layout(), rows), "v1.xlsx", plan())
    session.commit()
    rows = [r for r in rows if r.values.get("seq") != 1]
    report = import_annex(None, build(Layout(), rows), "v2.xlsx", plan(), dry_run=True)
    session.commit()
    assert report.counts["withdrawn"] == 1
    assert (
        session.scalar(select(func.count(Project.id)).where(Project.status == LifecycleStatus.WITHDRAWN)) == 0
    )


def test_a_new_sub_category_is_created_once_and_reimport_is_unchanged(app):
    from portfolio.projects.models import Subcategory

    rows = annex_rows()
    sub = next(r for r in rows if r.kind == "subcategory")
    sub.values["name"] = "新增的子类工程"
    report = import_annex(None, build(Layout(), rows), "v1.xlsx", plan())
    session.commit()
    assert report.ok
    warning = next(i for i in report.warnings if i.code == "new-subcategory")
    assert warning.row == 5 + rows.index(sub)
    created = session.scalar(select(Subcategory).where(Subcategory.name == "新增的子类工程"))
    assert created is not None
    assert session.scalar(select(func.count(Project.id)).where(Project.subcategory_id == created.id)) > 0
    again = import_annex(None, build(Layout(), rows), "v1.xlsx", plan())
    assert again.counts["unchanged"] == 86
    assert not [i for i in again.warnings if i.code == "new-subcategory"]


def test_reimported_units_keep_staying_links_reorder_the_lead_and_add_new_ones(app):
    rows = annex_rows()
    import_annex(None, build(Layout(), rows), "v1.xlsx", plan())
    session.commit()
    projects = [r for r in rows if r.kind == "project"]
    shared = [r for r in projects if "、" in str(r.values["units"])][:3]
    assert shared
    expected = {}
    for row in shared:
        names = [link.unit.name for link in _project(row.values["name"]).unit_links]
        wanted = [names[-1], *names[:-1], "焦作市重大项目推进中心"]  # the last leads now, one more
        row.values["units"] = "、".join(wanted)
        expected[row.values["name"]] = wanted
    report = import_annex(None, build(Layout(), rows), "v2.xlsx", plan(), note=NOTE)
    session.commit()
    assert report.counts["updated"] == len(shared)
    session.expire_all()
    for name, wanted in expected.items():
        links = _project(name).unit_links
        assert [link.unit.name for link in links] == wanted
        assert [link.is_lead for link in links] == [True] + [False] * (len(wanted) - 1)
        assert [link.position for link in links] == list(range(len(wanted)))
