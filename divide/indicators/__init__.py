"""Indicators: the schema and column dictionary, readers, validation, facts, observed register, store."""
