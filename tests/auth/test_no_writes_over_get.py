"""No state change over GET: every GET route, walked by a logged-in admin, leaves the database as it was."""

from portfolio.db import Base, session
from tests.factories import login_as
from tests.world import build_world


def _database() -> dict[str, list]:
    """Every row of every table, in primary-key order."""
    return {
        table.name: session.execute(table.select().order_by(*table.primary_key.columns)).all()
        for table in Base.metadata.sorted_tables
        if table.name != "user_sessions"  # a session's last-seen time is bookkeeping, not a state change
    }


def test_every_get_route_leaves_the_database_unchanged(app, users):
    world = build_world(users)
    client = app.test_client()
    login_as(client, users["admin"])
    changed = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        for variant in ("own", "other"):
            url = rule.build(world.args(rule.arguments, variant), append_unknown=False)[1]
            session.expire_all()
            before = _database()
            status = client.get(url).status_code
            session.expire_all()
            after = _database()
            if before != after:
                changed.append((url, status, [t for t in before if before[t] != after[t]]))
    assert changed == []
