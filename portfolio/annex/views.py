from portfolio.annex import bp  # noqa: F401
