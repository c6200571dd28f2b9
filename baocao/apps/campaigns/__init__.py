"""Campaigns (đợt báo cáo) and their reports: writing, review, tracking, consolidation, the Word
and Excel round trip.

- `models`: campaigns, reports, their texts, figures and history; `ReportStatus` and its table
  are the one place a report state is described.
- `permissions`: every "may this person do X" question, one function each.
- `actions/`: every write, audited (campaigns, writing, review, uploads, drafts).
- `queries`, `consolidation`, `dashboard`, `checks`, `rollup_sql`: read models.
- `views/` and `urls_*`: the pages; `reminders`: the late units' e-mails.

One app rather than three (writing/review, consolidation, ingest): the three share one set of
models (a report, its section texts and figures) whose migrations would otherwise cross apps,
and every one of them writes through the same `actions.save_section`.
"""
