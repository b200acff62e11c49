"""How a web process settles once it has started: everything loaded at start-up (Django, the
settings, the URL map and every view module it names) lives as long as the process, so it is
moved out of the garbage collector's reach (gc.freeze). A full collection then walks only what
requests allocate: a report page allocates enough objects to set one off every few requests,
and walking the start-up objects too cost it some 100 ms each time (docs/benchmarks.md)."""

import gc

from django.urls import get_resolver


def settle() -> None:
    """Load the URL map and the views it names now, then freeze what is loaded. Called by
    config/wsgi.py in each worker after Django's setup, and by the benchmark, which serves
    its pages in process."""
    get_resolver().url_patterns  # noqa: B018 - imports every view module
    gc.collect()
    gc.freeze()
