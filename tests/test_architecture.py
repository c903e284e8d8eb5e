"""Conventions the house style asks for, enforced."""

import ast
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from portfolio import schema
from portfolio.db import Base, engine
from portfolio.permissions import PUBLIC_ENDPOINTS

ROOT = Path(__file__).resolve().parent.parent


def test_migrations_match_models(app):
    """Alembic's autogenerate finds nothing to add: the models and the migrations have not drifted."""
    with engine().connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == []


def test_database_is_at_head(app):
    assert schema.is_current(engine())


def test_every_migration_downgrades_and_upgrades_again(tmp_path):
    from portfolio.db import make_engine

    eng = make_engine(f"sqlite:///{tmp_path / 'roundtrip.db'}")
    schema.upgrade(eng)
    schema.downgrade(eng, "base")
    with eng.connect() as conn:
        tables = conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='table'").scalars().all()
    assert set(tables) <= {"alembic_version"}
    schema.upgrade(eng)
    assert schema.is_current(eng)
    eng.dispose()


def test_migrations_never_import_app_models():
    for path in (ROOT / "migrations" / "versions").glob("*.py"):
        assert "portfolio" not in path.read_text(), f"{path.name} imports application code"


def test_every_endpoint_is_guarded_or_public(app):
    unguarded = [
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint not in PUBLIC_ENDPOINTS and not hasattr(view, "required_action")
    ]
    assert unguarded == []


def _calls(tree: ast.AST) -> set[str]:
    return {
        node.func.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
    }


# The one commit point for web requests and the CLI runner both live here; nothing else commits.
COMMIT_POINT = ROOT / "portfolio" / "unit_of_work.py"


def test_only_the_commit_point_commits():
    committing = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "portfolio").rglob("*.py")
        if path != COMMIT_POINT and "commit" in _calls(ast.parse(path.read_text()))
    ]
    assert committing == [], "views, services and commands leave committing to portfolio/unit_of_work.py"


def test_views_show_a_refusal_one_way():
    """A view that catches an error rolls back through the commit point: refuse(e), or discard() for a
    conflict or a preview (directly or in the module's _refused helper). The JSON API answers with
    error_response(refusal), whose status (400 or more) rolls back at the commit point."""
    silent = []
    for path in (ROOT / "portfolio").rglob("*views.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ExceptHandler) and node.type is not None:
                if all(isinstance(s, ast.Continue | ast.Pass) for s in node.body):
                    continue  # skipping a record that could not be loaded: nothing was written
                calls = {
                    c.func.id if isinstance(c.func, ast.Name) else getattr(c.func, "attr", "")
                    for statement in node.body
                    for c in ast.walk(statement)
                    if isinstance(c, ast.Call)
                }
                if not calls & {"refuse", "discard", "_refused", "error_response"}:
                    silent.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert silent == []


def test_services_never_touch_the_request():
    for path in (ROOT / "portfolio").rglob("services*.py"):
        source = path.read_text()
        for banned in ("from flask import request", "current_user", "flask_wtf", "wtforms"):
            assert banned not in source, f"{path} uses {banned}"


def _is_caller(path: Path) -> bool:
    """Views, the template helpers and CLI commands check permissions; they call the services."""
    return (
        path.stem.endswith("views") or path.parent.name == "cli" or path.stem in {"templating", "permissions"}
    )


SCOPE_RULES = {
    "visible_projects",
    "responsible_counties",
    "county_projects",
    "county_links",
    "county_link_parts",
}


def test_services_never_check_permissions():
    """The caller checks (requires/authorize, or the CLI); services trust it. Queries only narrow reads."""
    checking = []
    for path in (ROOT / "portfolio").rglob("*.py"):
        if _is_caller(path):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module == "portfolio.permissions":
                # The scope rule, in SQL and per project (a county's sheet), narrows reads: not a check.
                names = {a.name for a in node.names} - SCOPE_RULES
                if names:
                    checking.append(f"{path.relative_to(ROOT)} imports {sorted(names)}")
            if isinstance(node, ast.Name) and node.id == "Forbidden":
                checking.append(f"{path.relative_to(ROOT)} raises Forbidden")
    assert checking == []


# Arithmetic on a plan's (or project's) first or last year: `start_year - 1`, `2 + end_year`,
# `range(.. start_year ..)`, `date(end_year, ..)`, `min(.., end_year)`.
YEAR_ARITHMETIC = re.compile(
    r"\b(start|end)_year\s*[-+*/]"
    r"|[-+*/]\s*[\w.]*\b(start|end)_year\b"
    r"|\b(range|date|min|max)\([^()]*\b(start|end)_year\b"
)
PLAN_CALENDAR = ROOT / "portfolio" / "projects" / "models.py"


def test_only_the_plan_calendar_does_arithmetic_on_years():
    """Baseline year, mid-term and final dates, assessed year: methods on Plan, nowhere else."""
    sources = [*(ROOT / "portfolio").rglob("*.py"), *(ROOT / "templates").rglob("*.html")]
    found = [
        f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
        for path in sources
        if path != PLAN_CALENDAR
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if YEAR_ARITHMETIC.search(line)
    ]
    assert found == []


def test_files_stay_small():
    too_big = [
        (str(p.relative_to(ROOT)), n)
        for p in (ROOT / "portfolio").rglob("*.py")
        if (n := len(p.read_text().splitlines())) > 450
    ]
    assert too_big == []


def test_cli_commands_have_one_home():
    """Every flask command is defined in the portfolio/cli package."""
    elsewhere = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "portfolio").rglob("*.py")
        if p.parent.name != "cli"
        and re.search(r"@(click\.command|click\.group|\w+\.command)\(|AppGroup\(", p.read_text())
    ]
    assert elsewhere == []


def test_import_contracts_hold():
    """The package layers in pyproject.toml ([tool.importlinter]) are kept."""
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr


def _layered_modules() -> set[str]:
    contract = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"][0]
    names = set()
    for layer in contract["layers"]:
        names.update(n.strip().strip("()") for n in re.split(r"[|:]", layer))
    return names


def test_every_package_has_a_place_in_the_layers():
    """A new package or top-level module is placed in the contract, or it would escape the check."""
    unplaced = [
        f"portfolio.{p.stem}"
        for p in (ROOT / "portfolio").iterdir()
        if (p.is_dir() and (p / "__init__.py").exists()) or (p.suffix == ".py" and p.stem != "__init__")
        if f"portfolio.{p.stem}" not in _layered_modules() | {"portfolio.models"}  # models: alembic's list
    ]
    assert unplaced == []


def test_ruff_check_and_format():
    ruff = Path(sys.executable).with_name("ruff")
    for args in (["check", "."], ["format", "--check", "."]):
        result = subprocess.run([str(ruff), *args], cwd=ROOT, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr


def test_today_and_now_are_beijing_time():
    """Deadlines and "today" are local dates: code asks portfolio.localtime, never the server's clock zone.

    Tests too: between 16:00 and 24:00 UTC the server's date is a day behind Beijing's, so a test that builds
    a deadline from date.today() fails for a third of every day.
    """
    found = [
        f"{p.relative_to(ROOT)}:{i}"
        for folder in ("portfolio", "tests")
        for p in (ROOT / folder).rglob("*.py")
        if p.name not in ("localtime.py", "db.py", "test_architecture.py")
        for i, line in enumerate(p.read_text().splitlines(), start=1)
        if ("date.today()" in line or "datetime.now(" in line or "datetime.utcnow(" in line)
        and not line.lstrip().startswith(("#", '"'))
    ]
    assert found == []
