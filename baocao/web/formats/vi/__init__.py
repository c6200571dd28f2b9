"""Vietnamese date and number formats where Django's own differ from Vietnamese office usage."""
