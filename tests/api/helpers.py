"""API test helpers: tokens for the role accounts and authenticated GETs."""

from portfolio.db import session
from portfolio.tokens.services import create_token


def token(user, days: int | None = 30) -> str:
    made = create_token(None, user.username, days=days)
    session.commit()
    return made.plaintext


def get(client, url: str, plaintext: str | None):
    headers = {"Authorization": f"Bearer {plaintext}"} if plaintext else {}
    return client.get(url, headers=headers)
