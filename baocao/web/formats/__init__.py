"""Local format overrides, found by FORMAT_MODULE_PATH: only what Django's defaults get wrong."""
