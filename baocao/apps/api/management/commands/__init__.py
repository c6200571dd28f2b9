"""Django management commands of the API app."""
