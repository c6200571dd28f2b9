"""Consolidation (tổng hợp): indicators rolled up the unit tree, and what does not add up."""
