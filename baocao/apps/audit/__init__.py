"""The site's security trail: an entry for every change people make (who, when, what, from
which address), readable and filterable by superusers in the admin; and the table of the
shared cache, where login throttling counts failures (migration 0001)."""
