from portfolio.reporting import bp  # noqa: F401
