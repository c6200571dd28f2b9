"""A gunicorn config for `bench_load.py` with BENCH_OUTLINE_CACHE=1: what the autosave would
cost if a campaign's outline were parsed once per process instead of once per request (about
22 ms of each request today: `Campaign.outline_tree` parses the campaign's YAML snapshot on
every new Campaign instance). A what-if for the figures in bench/README.md, not a fix: the
parsed outline is shared between requests here, which is only safe while nothing mutates it.
"""

import functools

from baocao.outline import serialize

serialize.load_yaml = functools.lru_cache(maxsize=16)(serialize.load_yaml)
