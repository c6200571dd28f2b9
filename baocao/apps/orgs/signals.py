"""What the unit tree tells other apps: `units_moved` is sent inside the transaction that
changed the path of units (a unit moved under another parent or renamed its code, and every
unit under it), with `unit_ids`: every unit whose path changed. The campaigns app keeps its
live roll-ups by it (`baocao.apps.campaigns.live_rollup`)."""

from django.dispatch import Signal

units_moved = Signal()  # sender: Unit; unit_ids: list[int]
