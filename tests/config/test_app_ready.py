"""No app fills a registry when it starts: pages that show several apps import them (casefile),
so what a page shows is read where the page is written, not in another app's AppConfig.ready()."""

import ast
import inspect
import textwrap
from pathlib import Path

from django.apps import apps
from django.conf import settings


def _project_configs():
    return [c for c in apps.get_app_configs() if Path(c.path).parent == settings.BASE_DIR]


def _statements(config) -> list[ast.stmt]:
    ready = type(config).__dict__.get("ready")
    if ready is None:
        return []
    [function] = ast.parse(textwrap.dedent(inspect.getsource(ready))).body
    return function.body


def _beyond_imports(config) -> list[str]:
    """What ready() does besides importing (a module connecting its signal receivers, say): a
    call, an assignment, an append."""
    return [
        ast.unparse(statement)
        for statement in _statements(config)
        if not isinstance(statement, ast.Import | ast.ImportFrom)
    ]


def test_no_app_fills_a_registry_when_it_starts():
    configs = _project_configs()
    assert {"participants", "sessions", "evaluations", "casefile", "reports"} <= {
        c.name for c in configs
    }
    assert {c.name: found for c in configs if (found := _beyond_imports(c))} == {}


def test_a_registry_filled_in_ready_is_seen():
    class Filling:
        def ready(self):
            from participants import timeline

            timeline.PROVIDERS.append(print)

    assert _beyond_imports(Filling()) == ["timeline.PROVIDERS.append(print)"]
