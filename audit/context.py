"""Where the current request comes from, for the services that write the log.

The services take `by` but not the request; the middleware keeps the address and browser of
the request being served so every event recorded while serving it says where it came from.
"""

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Origin:
    ip: str | None = None
    user_agent: str = ""
    user: object = None


_NOWHERE = Origin()  # outside a request: a management command, a task, a test
_origin: ContextVar[Origin | None] = ContextVar("audit_origin", default=None)


def origin_of(request) -> Origin:
    return Origin(
        # REMOTE_ADDR is the one address nobody can forge; behind a proxy, the deployment sets
        # it from the proxy's header (docs/deployment.md).
        ip=request.META.get("REMOTE_ADDR") or None,
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
        user=getattr(request, "user", None),
    )


def current() -> Origin:
    return _origin.get() or _NOWHERE


def set_current(origin: Origin):
    return _origin.set(origin)


def reset(token) -> None:
    _origin.reset(token)
