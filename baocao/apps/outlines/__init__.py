"""Outlines (đề cương) stored as YAML text in the database: shown as a page, imported after a
preview the person corrects, changed in an editor that keeps every saved version."""
