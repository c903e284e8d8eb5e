"""Open data: the register as an OC4IDS project package (portfolio/opendata/schema holds the standard)."""
