"""The report's and the comparison's project lists at portfolio scale: 50 rows a page, each list keeping the
other's page in its links, a page past the end said so in Chinese, a bad page value the first page, the
counts above the lists still of every project, and a fixed number of statements however many projects."""

import re

from sqlalchemy import func, select, update

from portfolio import data_version
from portfolio.db import session
from portfolio.evaluation.models import ProjectAssessment, ProjectClass
from portfolio.evaluation.report_page import LIST_SIZE
from portfolio.evaluation.services import create_round, default_rounds, refresh_round
from tests.evaluation.test_pages import world  # noqa: F401  (the fixture)
from tests.factories import bulk_projects
from tests.querycount import statements_for

EXTRA = LIST_SIZE + 5


def _section(html: str, start: str, end: str | None = None) -> str:
    part = html.split(f'id="{start}"', 1)[1]
    return part.split(f'id="{end}"', 1)[0] if end else part


def _names(html: str) -> list[str]:
    return re.findall(r"<td>(批量项目\d+)</td>", html)


def _grown_round(world, users, extra: int = EXTRA):  # noqa: F811
    """The round refreshed over `extra` bulk projects, each lagging and commented on by a reviewer."""
    bulk_projects(extra, world["plan"])
    session.commit()
    round_ = world["round"]
    refresh_round(users["reviewer"], round_, round_.version)
    session.execute(
        update(ProjectAssessment)
        .where(ProjectAssessment.round_id == round_.id, ProjectAssessment.comment.is_(None))
        .values(final_class=ProjectClass.LAGGING, comment="进度偏慢")
    )
    session.commit()
    return round_


def test_report_lists_are_paged(world, users, role_client):  # noqa: F811
    round_ = _grown_round(world, users)
    client, url = role_client("reviewer"), f"/evaluation/rounds/{round_.id}/report"
    concerns_total = session.scalar(
        select(func.count()).where(
            ProjectAssessment.round_id == round_.id,
            ProjectAssessment.final_class.in_([ProjectClass.LAGGING, ProjectClass.NOT_STARTED]),
        )
    )
    first = client.get(url).get_data(as_text=True)
    concerns, notes = _section(first, "concerns", "notes"), _section(first, "notes")
    assert concerns.count('<tr><td class="num">') == LIST_SIZE
    assert f"共 {concerns_total} 个项目，第 1/2 页" in concerns
    assert f'href="{url}?concerns=2#concerns"' in concerns and f'href="{url}?notes=2#notes"' in notes
    assert f"<b>{len(world['projects']) + EXTRA}</b>重大工程项目" in first  # the totals: every project
    second = client.get(f"{url}?concerns=2&notes=2").get_data(as_text=True)
    later = _section(second, "concerns", "notes")
    assert later.count('<tr><td class="num">') == concerns_total - LIST_SIZE
    assert not set(_names(later)) & set(_names(concerns))
    assert f'href="{url}?concerns=2&amp;notes=1#notes"' in _section(second, "notes")  # keeps the other
    beyond = client.get(f"{url}?concerns=999").get_data(as_text=True)
    assert "没有第 999 页（共 2 页），已显示最后一页。" in beyond
    assert _names(_section(beyond, "concerns", "notes")) == _names(later)
    for bad in ("0", "-2", "abc", "%E4%B8%80"):
        response = client.get(f"{url}?concerns={bad}&notes={bad}")
        assert response.status_code == 200
        assert _names(_section(response.get_data(as_text=True), "concerns", "notes")) == _names(concerns)


def test_compare_pages_the_changed_projects(world, users, role_client):  # noqa: F811
    round_ = _grown_round(world, users)
    final = create_round(users["reviewer"], world["plan"], *default_rounds(world["plan"])[1])
    session.commit()
    changed = session.scalar(
        select(func.count()).where(
            ProjectAssessment.round_id == final.id, ProjectAssessment.final_class != ProjectClass.LAGGING
        )
    )
    assert changed > LIST_SIZE
    client, url = role_client("planner"), f"/evaluation/rounds/{round_.id}/compare"
    first = client.get(url).get_data(as_text=True)
    assert f"共 {changed} 个项目分类有变化，第 1/2 页" in first
    assert f'href="{url}?page=2#changed"' in first
    rows = lambda html: _section(html, "changed").count("<tr><td>")  # noqa: E731
    assert rows(first) == LIST_SIZE
    assert rows(client.get(f"{url}?page=2").get_data(as_text=True)) == changed - LIST_SIZE
    beyond = client.get(f"{url}?page=7").get_data(as_text=True)
    assert "没有第 7 页（共 2 页），已显示最后一页。" in beyond
    assert client.get(f"{url}?page=x").status_code == 200


def test_report_and_compare_statements_do_not_grow(world, users, role_client):  # noqa: F811
    round_ = _grown_round(world, users, 10)
    client = role_client("officer")
    urls = [f"/evaluation/rounds/{round_.id}/report", f"/evaluation/rounds/{round_.id}/compare"]
    data_version.forget()  # each count computes afresh, as the first request after a write does
    small = [statements_for(client, url) for url in urls]
    bulk_projects(120, world["plan"])
    session.commit()
    refresh_round(users["reviewer"], round_, round_.version)
    session.commit()
    data_version.forget()
    assert [statements_for(client, url) for url in urls] == small
