"""ops.runtime.settle: a web process, once started, keeps what it loaded out of the garbage
collector's passes; config/wsgi.py calls it."""

import gc
import importlib
import sys

from ops.runtime import settle


def test_settle_loads_the_views_and_freezes_what_is_loaded():
    try:
        settle()
        assert "reports.views" in sys.modules  # the URL map named it
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()


def test_the_wsgi_application_settles(monkeypatch):
    calls = []
    monkeypatch.setattr("ops.checks.refuse_to_start_if_misconfigured", lambda: None)
    monkeypatch.setattr("ops.runtime.settle", lambda: calls.append(True))
    monkeypatch.delitem(sys.modules, "config.wsgi", raising=False)
    importlib.import_module("config.wsgi")
    assert calls == [True]
