"""The campaign pages, by what a person is doing: `campaign` (the list, opening one, the
tracking dashboard), `report` (writing, history, submitting, review), `consolidate` (the
consolidation workspace and report downloads), `ingest` (Word and Excel templates out, filled
files in). `common` holds what every page starts with: loading a report and refusing.

A view loads, checks a question of `permissions`, calls one of `actions` (every write) or reads
through `queries`/`consolidation`/`dashboard`, and renders."""
