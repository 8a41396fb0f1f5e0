"""Raw layers to commune indicators: points (checks, grid, aggregation, dask engine), coverage, speed tests, villages."""
