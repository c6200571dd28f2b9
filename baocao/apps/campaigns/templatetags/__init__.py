"""Template tags of the report pages (indicator cells written without an include per cell)."""
