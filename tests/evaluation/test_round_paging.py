"""The round page shows one page of assessments at a time, counted in SQL, and keeps the class filter."""

import re

from sqlalchemy import func, select

from portfolio.db import session
from portfolio.evaluation.models import ProjectAssessment
from portfolio.evaluation.queries import ROUND_PAGE_SIZE
from tests.evaluation.test_pages import world  # noqa: F401  (the fixture)
from tests.factories import bulk_projects


def _rows(page: str) -> int:
    return len(re.findall(r'href="/evaluation/assessments/\d+"', page))


def test_round_page_is_paged(world, role_client):  # noqa: F811
    bulk_projects(ROUND_PAGE_SIZE + 30, world["plan"])
    session.commit()
    client = role_client("reviewer")
    r = world["round"].id
    client.post(f"/evaluation/rounds/{r}/refresh")
    total = session.scalar(select(func.count()).where(ProjectAssessment.round_id == r))
    assert total > ROUND_PAGE_SIZE
    first = client.get(f"/evaluation/rounds/{r}").get_data(as_text=True)
    assert _rows(first) == ROUND_PAGE_SIZE and f"共 {total} 个项目，第 1/2 页" in first
    assert f'href="/evaluation/rounds/{r}?page=2"' in first
    second = client.get(f"/evaluation/rounds/{r}?page=2").get_data(as_text=True)
    assert _rows(second) == total - ROUND_PAGE_SIZE
    beyond = client.get(f"/evaluation/rounds/{r}?page=999").get_data(as_text=True)
    assert beyond.replace("没有第 999 页（共 2 页），已显示最后一页。", "") != beyond
    assert re.findall(r'href="/evaluation/assessments/\d+"', beyond) == re.findall(
        r'href="/evaluation/assessments/\d+"', second
    )
    for bad in ("0", "-3", "abc"):
        assert (
            _rows(client.get(f"/evaluation/rounds/{r}?page={bad}").get_data(as_text=True)) == ROUND_PAGE_SIZE
        )
    biggest, count = session.execute(
        select(ProjectAssessment.final_class, func.count())
        .where(ProjectAssessment.round_id == r)
        .group_by(ProjectAssessment.final_class)
        .order_by(func.count().desc())
    ).first()
    assert count > ROUND_PAGE_SIZE  # the bulk projects share one class, so its list is paged too
    filtered = client.get(f"/evaluation/rounds/{r}?class={biggest.value}").get_data(as_text=True)
    assert f"共 {count} 个项目，第 1/2 页" in filtered
    assert f'href="/evaluation/rounds/{r}?page=2&amp;class={biggest.value}"' in filtered
