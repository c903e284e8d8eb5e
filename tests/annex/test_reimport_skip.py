"""An unchanged row is skipped on re-import (its project's fingerprint), with the same report as a full read,
and a project edited in the app since is read and compared again as before."""

from dataclasses import asdict
from decimal import Decimal

from sqlalchemy import select, update

from portfolio.adjustments.services import AdjustmentNote
from portfolio.annex.fingerprint import SkippedRow
from portfolio.annex.services import import_annex
from portfolio.db import session
from portfolio.funding.services import save_project_funding
from portfolio.projects.models import Project
from portfolio.projects.services import ProjectEdit, update_project
from tests.annex.helpers import annex_bytes, plan
from tests.annex.workbooks import Layout, annex_rows, build

NOTE = AdjustmentNote("按规划中期调整", "焦环〔2024〕1号")


def _rows() -> list[tuple]:
    session.expire_all()
    columns = (Project.id, Project.version, Project.updated_at, Project.import_fingerprint)
    return list(session.execute(select(*columns).order_by(Project.id)))


def _full_read_report(data: bytes):
    """The dry run of the same file with every fingerprint forgotten: every row read and compared."""
    saved = _rows()
    session.execute(update(Project).values(import_fingerprint=None))
    report = import_annex(None, data, "annex.xlsx", plan(), dry_run=True)
    for pid, _version, updated_at, fingerprint in saved:
        session.execute(
            update(Project)
            .where(Project.id == pid)
            .values(import_fingerprint=fingerprint, updated_at=updated_at)
            .execution_options(synchronize_session=False)
        )
    return report


def test_unchanged_reimport_skips_rows_writes_no_project_and_reports_as_a_full_read(app):
    data = annex_bytes()
    first = import_annex(None, data, "annex.xlsx", plan())
    flagged = {(i.sheet, i.row) for i in first.issues}
    stamped = [r for r in first.projects if (r.sheet, r.row) not in flagged]
    assert stamped and all(r.fingerprint for r in stamped)
    assert all(r.fingerprint is None for r in first.projects if (r.sheet, r.row) in flagged)
    session.flush()
    before = _rows()

    dry = import_annex(None, data, "annex.xlsx", plan(), dry_run=True)
    skipped = [r for r in dry.projects if type(r) is SkippedRow]
    assert len(skipped) == len(stamped)  # rows with a warning are read every time, their warning kept
    full = _full_read_report(data)
    assert not any(type(r) is SkippedRow for r in full.projects)
    assert dry.to_dict() == full.to_dict()  # values (read on demand), actions, every issue field by field
    assert [asdict(i) for i in dry.issues] == [asdict(i) for i in full.issues]

    again = import_annex(None, data, "annex.xlsx", plan())
    assert again.counts == dict(first.counts, created=0, unchanged=first.counts["created"])
    assert _rows() == before  # not one project row written, fingerprints included


def test_a_project_edited_in_the_app_is_compared_again_and_restored_from_the_file(app):
    data = annex_bytes()
    import_annex(None, data, "annex.xlsx", plan())
    session.flush()
    edited, annual_only, funded = session.scalars(
        select(Project).where(Project.import_fingerprint.is_not(None)).order_by(Project.id).limit(3)
    )
    fields = ("name", "nature", "content", "start_year", "end_year", "span_investment_wan")
    fields += ("planned_start", "planned_end", "status", "project_code", "note")

    def edit(project, **changes):
        values = {k: getattr(project, k) for k in fields}
        values["total_investment_wan"] = project.total_investment_wan
        annual = {a.year: a.amount_wan for a in project.annual_plans}
        data = ProjectEdit(**(dict(values, annual=annual) | changes))
        update_project(None, project, data, project.version)
        session.flush()

    edit(edited, total_investment_wan=edited.total_investment_wan + 7)
    year = annual_only.annual_plans[0].year
    edit(annual_only, annual={year: annual_only.annual_plans[0].amount_wan + 3})
    save_project_funding(None, funded, {}, "财政资金待定", funded.version)
    session.flush()

    report = import_annex(None, data, "annex.xlsx", plan(), note=NOTE)
    by_id = {r.project_id: r for r in report.projects}
    assert type(by_id[edited.id]) is not SkippedRow
    assert (
        by_id[edited.id].changes["total_investment_wan"][1] + 7
        == by_id[edited.id].changes["total_investment_wan"][0]
    )
    assert "annual_plan_wan" in by_id[annual_only.id].changes
    assert type(by_id[funded.id]) is not SkippedRow
    assert report.counts["updated"] == 2 + ("funding_note" in by_id[funded.id].changes)
    session.flush()
    session.expire_all()
    assert session.get(Project, edited.id).total_investment_wan == by_id[edited.id].total_investment_wan
    # Restored from the file, the two projects are skipped again by the next re-import.
    skipped = {
        r.project_id for r in import_annex(None, data, "a.xlsx", plan()).projects if type(r) is SkippedRow
    }
    assert {edited.id, annual_only.id} <= skipped


def test_a_changed_row_is_read_and_its_neighbours_skipped(app):
    rows = annex_rows()
    import_annex(None, build(Layout(), rows), "annex.xlsx", plan())
    session.flush()
    row = next(r for r in rows if r.kind == "project" and isinstance(r.values.get("total"), int | float))
    row.values["total"] += 100
    report = import_annex(None, build(Layout(), rows), "annex.xlsx", plan(), dry_run=True)
    changed = [r for r in report.projects if r.action == "updated"]
    assert [r.name for r in changed] == [str(row.values["name"]).strip()]
    assert type(changed[0]) is not SkippedRow
    assert changed[0].changes["total_investment_wan"][1] == Decimal(str(row.values["total"]))
    skipped = sum(type(r) is SkippedRow for r in report.projects)
    assert skipped > len(report.projects) // 2
    assert report.counts["unchanged"] == len(report.projects) - 1
