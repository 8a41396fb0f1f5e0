"""The modeled demonstration dataset: indicators, villages, sites, speed tests (always labelled)."""
