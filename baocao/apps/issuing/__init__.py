"""Issuing (ban hành): a unit's consolidated report given its number from the unit's register
of outgoing documents (sổ văn bản đi), dated, signed by name (and digitally, `baocao.signing`)
and kept as an immutable copy (DOCX and PDF) with the campaign."""
