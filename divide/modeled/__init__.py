"""The modeled demonstration dataset: indicators, villages, sites, speed tests (always labelled).

Rooms: covariates (the national table), calibration (targets, assumptions),
generator (the seeded steps), indicators, villages, files (the shipped
files), raw_layers (sites and speed tests).
"""
