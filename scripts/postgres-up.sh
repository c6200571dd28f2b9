#!/usr/bin/env bash
# Exit 0 when PostgreSQL answers at 127.0.0.1:5432; try once to start a local cluster if it does not.
answers() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
command -v pg_isready >/dev/null 2>&1 || exit 1
answers && exit 0
if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
  for v in $(ls /etc/postgresql); do pg_ctlcluster --skip-systemctl-redirect "$v" main start >/dev/null 2>&1; done
  for _ in $(seq 1 20); do answers && exit 0; sleep 0.5; done
fi
exit 1
