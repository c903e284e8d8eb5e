from portfolio.audit import bp  # noqa: F401
