"""Download file names: Chinese for people, an ASCII fallback for old clients (RFC 6266 / RFC 5987)."""

import re
from urllib.parse import quote

# Characters no file system or browser should receive in a name, and anything invisible.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f;,]+')
_ASCII_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
MAX_NAME_CHARS = 120


def safe_filename(name: str) -> str:
    """A file name with path separators, reserved and control characters replaced."""
    stem, dot, ext = name.strip().rpartition(".")
    if not dot:
        stem, ext = name.strip(), ""
    stem = _UNSAFE.sub("_", stem).strip(" ._") or "export"
    stem = stem[:MAX_NAME_CHARS]
    ext = _ASCII_UNSAFE.sub("", ext)[:10]
    return f"{stem}.{ext}" if ext else stem


def ascii_fallback(name: str) -> str:
    stem = _ASCII_UNSAFE.sub("-", name).strip("-.") or "export"
    return stem[:MAX_NAME_CHARS]


def content_disposition(name: str, fallback: str) -> str:
    """`attachment` with a plain ASCII filename and the UTF-8 filename* that modern browsers use."""
    name = safe_filename(name)
    return f"attachment; filename=\"{ascii_fallback(fallback)}\"; filename*=UTF-8''{quote(name, safe='')}"
