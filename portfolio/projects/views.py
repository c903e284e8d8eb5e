from portfolio.projects import bp  # noqa: F401
