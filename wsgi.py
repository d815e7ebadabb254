"""Entry point for gunicorn and `flask`: `gunicorn wsgi:app`."""

from crm import create_app

app = create_app()
