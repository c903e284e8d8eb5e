"""Backup and restore: one archive of every table (database-neutral JSON lines) and the uploaded files.

The archive is a zip: manifest.json (format, schema revision, time, row counts, sha256 of every other
member), tables/<table>.jsonl (one row per line, in primary-key order) and files/<path under UPLOAD_DIR>.
"""
