"""Django apps: thin layers of models, views and templates over baocao's framework-free core."""
