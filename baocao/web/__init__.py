"""The Django project (settings, URLs, base templates, static files) around baocao's apps."""
