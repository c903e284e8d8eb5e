from portfolio.exports import bp  # noqa: F401
