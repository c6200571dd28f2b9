"""Outlines (đề cương) stored as YAML text in the database, shown as a page."""
