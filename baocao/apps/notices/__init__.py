"""Notices (thông báo): what happened to a unit's report, told to its writers on the site and
by e-mail.

- `notify`: the notices, written by the campaign and review actions in their transaction
  (campaign opened, report returned or accepted) and by the sending run (deadline soon);
- `sending`: the run, for cron (`baocao notices send`) and later for a task, that e-mails the
  pending ones one at a time;
- `views`: the person's own list ("Thông báo"), with the unread count in the page header.
"""
