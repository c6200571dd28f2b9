"""Failed logins, counted in the database for the login throttle (baocao.web.throttle)."""
