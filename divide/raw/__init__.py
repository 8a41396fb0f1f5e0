"""Raw layers to commune indicators: points (grid, dask), coverage, speed tests, villages."""
