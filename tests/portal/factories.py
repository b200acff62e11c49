"""Factories and helpers for the portal tests, in the style of tests/factories.py."""

from django.contrib.auth.hashers import make_password
from django.test import Client

from portal.models import PortalAccess
from portal.services import portal_access_issue

PIN = "2580"


def make_access(*, participant, pin: str | None = PIN, code: str | None = None, **kwargs):
    """An access with a known code (returned beside it) and, unless pin=None, a chosen PIN."""
    access, code = portal_access_issue(
        participant=participant, by=kwargs.pop("by", participant.coach), code=code, **kwargs
    )
    if pin:
        access.pin_hash = make_password(pin)
        access.save(update_fields=["pin_hash"])
    return access, code


def sign_in(client: Client, code: str, pin: str = PIN, *, own_phone: bool = False):
    """Through the real pages: open the link, type the PIN."""
    client.get(f"/p/{code}/")
    data = {"pin": pin}
    if own_phone:
        data["own_phone"] = "on"
    return client.post("/p/pin/", data)


def portal_client_for(
    participant, *, own_phone: bool = False, **kwargs
) -> tuple[Client, PortalAccess]:
    access, code = make_access(participant=participant, **kwargs)
    client = Client()
    response = sign_in(client, code, own_phone=own_phone)
    assert response.status_code == 302 and response.url == "/p/home/", response
    return client, access


def row_counts() -> dict[str, int]:
    from evaluations.models import DomainScore
    from trajectory.models import ActionStep

    return {
        "PortalAccess": PortalAccess.objects.count(),
        "done steps": ActionStep.objects.filter(status="done").count(),
        "own scores": DomainScore.objects.filter(participant_score__isnull=False).count(),
    }
