"""Demo data: everything `baocao demo` builds so the site has something to show on the first run.

- `province`: the demo province, LĐLĐ tỉnh Kon Tum's unit tree (made-up CĐCS, fixed seed).
- `accounts`: the demo logins, one for each role at each level of the demo province.
- `campaign`: the NQ20 campaign over the demo province, with reports in every state; its
  figures are drawn by `figures` and its section texts written by `texts`.
- `national`: the national demo (`baocao demo --scale national`), Tổng LĐLĐ Việt Nam with all
  63 provinces, loaded in bulk through `bulkload` (COPY on PostgreSQL, executemany on SQLite).

Every unit, account and text made here is synthetic. No product module imports this package:
only the CLI (`baocao demo`, in `baocao.cli.web_cmd`), the tests and the benchmarks do.
"""
