"""Password hashing with Argon2id at argon2-cffi's RFC 9106 low-memory profile."""

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.profiles import CHEAPEST, RFC_9106_LOW_MEMORY
from flask import current_app, has_app_context

_strong = PasswordHasher.from_parameters(RFC_9106_LOW_MEMORY)
# Only for test suites (config PASSWORD_HASH_CHEAP): thousands of logins would otherwise take minutes.
_cheap = PasswordHasher.from_parameters(CHEAPEST)
MIN_LENGTH = 8


def _hasher() -> PasswordHasher:
    if has_app_context() and current_app.config.get("PASSWORD_HASH_CHEAP"):
        return _cheap
    return _strong


def hash_password(plain: str) -> str:
    return _hasher().hash(plain)


def verify_password(stored_hash: str, plain: str) -> bool:
    try:
        return _hasher().verify(stored_hash, plain)
    except (VerificationError, InvalidHashError):
        return False


_dummy_hashes: dict[int, str] = {}


def verify_against_dummy(plain: str) -> None:
    """Spend what checking a real password costs, so refusing an unknown username takes as long."""
    hasher = _hasher()
    if id(hasher) not in _dummy_hashes:
        _dummy_hashes[id(hasher)] = hasher.hash(secrets.token_hex(8))
    verify_password(_dummy_hashes[id(hasher)], plain)


def password_problem(plain: str) -> str | None:
    """A Chinese reason why this password is too weak, or None."""
    if len(plain) < MIN_LENGTH:
        return f"密码至少需要 {MIN_LENGTH} 位。"
    if plain.isdigit() or plain.isalpha():
        return "密码须同时包含字母和数字。"
    return None
