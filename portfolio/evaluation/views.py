from portfolio.evaluation import bp  # noqa: F401
