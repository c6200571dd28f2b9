"""`baocao manage apitoken`: API keys made, rotated and revoked from the command line."""
