"""E-mail through the intranet's SMTP server, sent only after the request's transaction commits.

A service queues a message on the session; the unit of work's after-commit callback hands the queue to
SMTP and a rollback drops it, so nobody is mailed about a change that never happened. Without
MAIL_SERVER nothing is queued: notifications stay in-app.
"""

import logging
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage

from flask import current_app

from portfolio.db import session
from portfolio.unit_of_work import after_commit, on_rollback

log = logging.getLogger("portfolio.mail")
OUTBOX = "mail_outbox"


@dataclass(frozen=True)
class SmtpSettings:
    server: str
    port: int
    sender: str
    username: str | None
    password: str | None
    starttls: bool

    @classmethod
    def from_config(cls, config) -> "SmtpSettings | None":
        if not config.get("MAIL_SERVER"):
            return None
        return cls(
            config["MAIL_SERVER"],
            int(config.get("MAIL_PORT") or 25),
            config.get("MAIL_SENDER") or "portfolio@localhost",
            config.get("MAIL_USERNAME") or None,
            config.get("MAIL_PASSWORD") or None,
            bool(config.get("MAIL_USE_TLS")),
        )


def mail_enabled() -> bool:
    return SmtpSettings.from_config(current_app.config) is not None


def queue_mail(to: str, subject: str, body: str) -> bool:
    """Queue one e-mail for after the commit; False when no SMTP server is configured."""
    settings = SmtpSettings.from_config(current_app.config)
    if settings is None or not to:
        return False
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = settings.sender, to, subject
    message.set_content(body)
    if OUTBOX not in session.info:
        session.info[OUTBOX] = []
        after_commit(_deliver)
        on_rollback(_drop)
    session.info[OUTBOX].append((settings, message))
    return True


def send_now(settings: SmtpSettings, messages: list[EmailMessage]) -> int:
    """Deliver messages over one SMTP connection; returns how many the server accepted."""
    sent = 0
    try:
        with smtplib.SMTP(settings.server, settings.port, timeout=10) as smtp:
            if settings.starttls:
                smtp.starttls()
            if settings.username:
                smtp.login(settings.username, settings.password or "")
            for message in messages:
                try:
                    smtp.send_message(message)
                    sent += 1
                except smtplib.SMTPException as error:
                    log.warning("mail to %s refused: %s", message["To"], error)
    except (OSError, smtplib.SMTPException) as error:
        log.warning("SMTP server %s:%s unreachable: %s", settings.server, settings.port, error)
    return sent


def _deliver() -> None:
    queued = session.info.pop(OUTBOX, None) or []
    by_server: dict[SmtpSettings, list[EmailMessage]] = {}
    for settings, message in queued:
        by_server.setdefault(settings, []).append(message)
    for settings, messages in by_server.items():
        send_now(settings, messages)


def _drop() -> None:
    session.info.pop(OUTBOX, None)
