"""One warning badge and one pagination bar, defined once and used by every list."""

import re
from pathlib import Path

from portfolio.db import session
from tests.factories import make_project

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def test_each_shared_macro_is_defined_once():
    for name in ("warning_badge", "pagination"):
        defined = [
            str(p.relative_to(TEMPLATES))
            for p in TEMPLATES.rglob("*.html")
            if re.search(rf"{{% macro {name}\(", p.read_text())
        ]
        assert defined == ["_macros.html"], name
    copies = [
        str(p.relative_to(TEMPLATES))
        for p in TEMPLATES.rglob("*.html")
        if p.name != "_macros.html" and 'class="pagination"' in p.read_text()
    ]
    assert copies == []


def test_the_project_list_pages_with_its_filters(app, role_client):
    app.config["PAGE_SIZE"] = 2
    for _ in range(7):
        make_project(counties=["温县"])
    session.commit()
    page = role_client("planner").get("/projects?q=测试&page=2").get_data(as_text=True)
    nav = page[page.index('class="pagination"') :]
    assert '<span class="current">2</span>' in nav
    assert "上一页" in nav and "下一页" in nav
    assert re.search(r'href="/projects\?[^"]*q=%E6%B5%8B%E8%AF%95[^"]*page=3', nav)


def test_the_project_page_shows_the_warning_badge(role_client):
    project = make_project()
    session.commit()
    page = role_client("planner").get(f"/projects/{project.id}").get_data(as_text=True)
    assert re.search(r'<span class="badge \w+ warning-\w+" title="[^"]*">', page)
