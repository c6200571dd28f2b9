"""The organisation: the unit tree (materialised paths, imported from spreadsheets), people's
memberships with roles scoped to a unit and its subtree (`scope`), and how people are named."""
