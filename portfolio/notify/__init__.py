"""Notifications: in-app messages with an unread badge, and e-mail when an SMTP server is configured."""

from flask import Blueprint

bp = Blueprint("notify", __name__)
