"""The project field registry: forms, annex header recognition, the audit display and the exports take
their labels and formats from it, and no other label table for project fields remains."""

import ast
import dataclasses
import io
import json
import re
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select, text

from portfolio import fields, schema
from portfolio.annex.header import classify_header
from portfolio.audit.display import field_changes
from portfolio.db import make_engine, session
from portfolio.exports.sheet_layout import STYLES
from portfolio.fields import FIELDS, MONEY_FORMAT
from portfolio.layouts.builtin import progress_spec
from portfolio.layouts.sheets import layout_columns
from portfolio.projects.forms import ProjectEditForm
from portfolio.projects.models import Plan
from portfolio.projects.services import EDITABLE_FIELDS
from tests.factories import make_project

ROOT = Path(__file__).resolve().parent.parent
CJK = re.compile(r"[\u4e00-\u9fff]")


def _plan() -> Plan:
    return session.scalar(select(Plan).order_by(Plan.id))


def test_the_edit_form_labels_every_field_from_the_registry(app, role_client):
    project = make_project()
    session.commit()
    page = role_client("planner").get(f"/projects/{project.id}/edit").get_data(as_text=True)
    with app.test_request_context():
        form = ProjectEditForm()
    for key in EDITABLE_FIELDS:
        expected = FIELDS[key].label_with_unit
        assert getattr(form, key).label.text.startswith(expected), key
        assert expected in page, key


@pytest.mark.parametrize("key", [k for k, f in FIELDS.items() if f.headers])
def test_the_annex_recognises_every_registered_header(key):
    for header in FIELDS[key].headers:
        assert classify_header(header, "十四五")[0] == key, header
        assert classify_header(f"{header}（万元）", "十四五")[0] == key, header


def test_the_annex_recognises_the_span_investment_by_the_plan_name():
    for header in ("“十四五”投资", "十四五期间投资", "“十五五”计划投资"):
        short = "十五五" if "十五五" in header else "十四五"
        assert classify_header(header, short)[0] == "span_investment_wan", header


def test_the_audit_display_and_the_progress_sheet_follow_a_changed_label(app, monkeypatch):
    renamed = dataclasses.replace(FIELDS["total_investment_wan"], label="估算总投资")
    monkeypatch.setitem(FIELDS, "total_investment_wan", renamed)
    changes = field_changes({"total_investment_wan": "1"}, {"total_investment_wan": "2"}, "Project")
    assert changes == [("估算总投资（万元）", "1.00", "2.00")]
    headers = {c.key: c.header for c in layout_columns(progress_spec(), _plan().short_name)}
    assert headers["total_investment_wan"] == "估算总投资"


def test_an_exported_sheet_uses_the_registry_labels_and_money_format(app, role_client):
    from tests.exports.data import portfolio

    portfolio()
    session.commit()
    response = role_client("planner").get("/exports/progress.xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(response.data)).worksheets[0]
    header_cells = {c.value for row in ws.iter_rows(min_row=1, max_row=4) for c in row if c.value}
    for key in ("name", "locations", "units", "years", "total_investment_wan"):
        assert FIELDS[key].label in header_cells, key
    assert "“十四五”投资" in header_cells
    total_column = [c.key for c in layout_columns(progress_spec(), _plan().short_name)].index(
        "total_investment_wan"
    ) + 1
    money_cells = [row[total_column - 1] for row in ws.iter_rows(min_row=5) if row[total_column - 1].value]
    assert money_cells and all(c.number_format == MONEY_FORMAT for c in money_cells)
    assert STYLES["money"]["num_format"] == fields.MONEY_FORMAT


def test_the_audit_log_page_shows_registry_labels(app, role_client, users):
    from portfolio.audit.services import record

    project = make_project()
    session.flush()
    record(
        users["planner"], "project.update", project, before={"start_year": 2021}, after={"start_year": 2022}
    )
    session.commit()
    page = role_client("planner").get("/audit").get_data(as_text=True)
    assert FIELDS["start_year"].label in page and "开工年份" not in page


def _label_tables(path: Path) -> list[str]:
    """Dict literals or call arguments that pair a registry key with a Chinese text: a label table."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Dict):
            pairs = [
                k.value
                for k, v in zip(node.keys, node.values, strict=True)
                if isinstance(k, ast.Constant)
                and k.value in FIELDS
                and isinstance(v, ast.Constant)
                and isinstance(v.value, str)
                and CJK.search(v.value)
            ]
            # Two keys are not a table: other records have a name and a status too (audit's 名称, 状态).
            if len(pairs) >= 3:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} labels {pairs}")
        if isinstance(node, ast.Call) and len(node.args) >= 2:
            key, label = node.args[0], node.args[1]
            if (
                isinstance(key, ast.Constant)
                and key.value in FIELDS
                and isinstance(label, ast.Constant)
                and label.value == FIELDS[key.value].label
            ):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} repeats the label of {key.value}")
    return found


def test_no_other_label_table_for_project_fields_remains():
    registry = ROOT / "portfolio" / "fields.py"
    found = [
        hit for path in (ROOT / "portfolio").rglob("*.py") if path != registry for hit in _label_tables(path)
    ]
    assert found == []


def test_one_name_per_field():
    """The plan-period investment is span_investment_wan everywhere; the annex's old name is gone."""
    hits = [
        str(path.relative_to(ROOT))
        for path in [*(ROOT / "portfolio").rglob("*.py"), *(ROOT / "templates").rglob("*.html")]
        if "fyp_investment" in path.read_text()
    ]
    assert hits == []


def test_the_migration_renames_the_old_audit_key_and_back(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'keys.db'}")
    schema.upgrade(engine, "1202")
    insert = text(
        "INSERT INTO audit_entries (at, action, entity_type, entity_id, before, after) "
        "VALUES ('2024-01-01', :action, 'Project', 1, :before, :after)"
    )
    with engine.begin() as conn:
        for action in ("project.import_update", "project.update"):
            conn.execute(
                insert,
                {
                    "action": action,
                    "before": '{"fyp_investment_wan": "1"}',
                    "after": '{"fyp_investment_wan": "2", "note": "x"}',
                },
            )
    read = text("SELECT action, before, after FROM audit_entries ORDER BY id")
    schema.upgrade(engine, "1601")
    with engine.connect() as conn:
        rows = conn.execute(read).all()
    # Compared as JSON: the engine writes it compact (orjson), the insert above with spaces.
    assert [json.loads(v) for v in rows[0][1:]] == [
        {"span_investment_wan": "1"},
        {"span_investment_wan": "2", "note": "x"},
    ]
    assert '"fyp_investment_wan"' in rows[1][1]  # only the importer ever wrote the old key
    schema.downgrade(engine, "1202")
    with engine.connect() as conn:
        assert json.loads(conn.execute(read).all()[0][1]) == {"fyp_investment_wan": "1"}
    engine.dispose()
