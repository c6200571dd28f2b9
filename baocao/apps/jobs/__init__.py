"""Background jobs a person asked for and waits on: a report's PDF, a large export, the draft
of a whole consolidated report, the reading of a large uploaded file.

Why an app of its own: each of these is too slow for a request (a LibreOffice conversion takes
a core for seconds, a province's export or draft reads thousands of reports), so the request
only records a `Job` and enqueues `tasks.run_job` (`baocao.web.background`); the person watches
one progress page (`views.job_page`, polled by HTMX) that ends with the file or the link to the
result. A job is claimed in the database before its work and its results are written in one
transaction at the end (`runner`), so a worker killed in the middle leaves nothing half-done and
the task, queued again, completes it.
"""
