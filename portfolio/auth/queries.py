"""Reads for the account pages."""

from sqlalchemy import case, select
from sqlalchemy.orm import selectinload

from portfolio.auth.models import Role, User
from portfolio.db import session
from portfolio.projects.models import Location, Unit

_ROLE_ORDER = case({role.value: i for i, role in enumerate(Role)}, value=User.role)


def list_users() -> list[User]:
    """Every account with its scope, admins first; two statements whatever the number of accounts."""
    return list(
        session.scalars(
            select(User)
            .options(selectinload(User.county), selectinload(User.unit))
            .order_by(_ROLE_ORDER, User.username)
        )
    )


def get_user(user_id: int) -> User | None:
    return session.get(User, user_id)


def list_locations() -> list[Location]:
    return list(session.scalars(select(Location).order_by(Location.sort_order, Location.id)))


def list_units() -> list[Unit]:
    return list(session.scalars(select(Unit).order_by(Unit.name)))
