"""The application's addresses plus a static "hello" view, for the load test only: served by
the same gunicorn, through the same middleware, it is what the server gives at all, and each
page's throughput reads as a share of it (bench/run.py)."""

from django.http import HttpResponse
from django.urls import include, path


def hello(request):
    return HttpResponse("hello", content_type="text/plain")


urlpatterns = [
    path("bench/hello/", hello),
    path("", include("config.urls")),
]
