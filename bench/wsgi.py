"""The production WSGI application with bench/urls.py as its address book (adds the load
test's "hello" view); only bench/run.py serves it."""

from django.conf import settings

from config.wsgi import application

# Read by Django's handler at each request, so setting it after start-up takes effect.
settings.ROOT_URLCONF = "bench.urls"

__all__ = ["application"]
