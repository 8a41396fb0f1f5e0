"""Analysis layer: index, gaps, hot spots, typology, regions, priorities, planning, progress."""
