"""Odd input is answered 400 or 404, or ignored, never with a server error (500).

Every page and API endpoint of the URL configuration is visited by a signed-in coach and manager
(and the portal's by the participant), with bad values in each path id and in each query or form
parameter the view reads: digits `str.isdigit()` accepts but `int()` refuses, numbers too big for
a database integer, months and dates out of the calendar's range, words where numbers are
expected. Which parameters a view reads is found by watching it: a first visit records every
name looked up in `request.GET` / `request.POST` (the view's own reads, its forms' and its
FilterSet's). The URLs' real ids come from the access matrix's world
(tests/security/matrix_world.py).
"""

import copy
import datetime
import json
from contextlib import contextmanager, suppress
from urllib.parse import urlencode

import pytest
from django.db import transaction
from django.http import QueryDict
from django.test import override_settings
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.utils.datastructures import MultiValueDict

from tests.security.matrix_world import FAST_HASHER, build_world, client_for
from tests.security.test_access_matrix import MATRIX

BAD_VALUES = [
    "²",  # superscript two: isdigit() says yes, int() says no
    "9" * 30,  # beyond any database integer
    "abc",
    "9999-12",  # a month with no month after it
    "0001-01-01",  # a day with no day before it
]
# Arabic-Indic digits: isdigit() and int() both say yes ("١٢" is 12), the path converters no.
BAD_IDS = ["9" * 30, "0", "²", "١٢"]
# Names read by the machinery rather than by the view.
NOT_PARAMETERS = {"csrfmiddlewaretoken"}

PORTAL = "portal:"
# Pages that take seconds to render (PDFs): visited with bad ids only.
SLOW = {"reports:summary-pdf", "rights:export-pdf", "reports:snapshot-pdf", "reports:dashboard-pdf"}


def url_names() -> list[str]:
    names = []

    def walk(resolver: URLResolver, namespace: list[str]) -> None:
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern, namespace + [pattern.namespace] if pattern.namespace else namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.append(":".join([*namespace, pattern.name]))

    walk(get_resolver(), [])
    return sorted({name for name in names if not name.startswith("admin:")})


@contextmanager
def reads_recorded():
    """The names looked up in any QueryDict (request.GET, request.POST) meanwhile."""
    names = set()
    originals = {attr: getattr(MultiValueDict, attr) for attr in ("get", "getlist", "__getitem__")}

    def recording(original):
        def read(self, key, *args, **kwargs):
            if isinstance(self, QueryDict):  # not the URL resolver's own MultiValueDicts
                names.add(key)
            return original(self, key, *args, **kwargs)

        return read

    for attr, original in originals.items():
        setattr(MultiValueDict, attr, recording(original))
    try:
        yield names
    finally:
        for attr, original in originals.items():
            setattr(MultiValueDict, attr, original)


@pytest.fixture(scope="module")
def world_and_clients(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world()
        with override_settings(PASSWORD_HASHERS=FAST_HASHER):
            clients = {p: client_for(world, p) for p in ("coach", "manager", "participant")}
        yield world, clients
        transaction.set_rollback(True)


def answer(client, method: str, url: str, data: dict, *, api: bool) -> str:
    """What went wrong, or "" when the answer is not a server error."""
    # The test client re-raises a view's exception: that is the 500 a visitor would get.
    client.raise_request_exception = True
    # The database is rolled back after each visit, so the cookies are too: otherwise one visit
    # to the sign-out (or a page that renews the session) leaves the rest of the sweep signed out
    # and testing only the sign-in redirect.
    cookies = copy.deepcopy(client.cookies)
    try:
        with transaction.atomic():
            if method == "GET":
                response = client.get(url, data)
            elif api:
                response = client.post(url, json.dumps(data), content_type="application/json")
            else:
                response = client.post(url, data)
            transaction.set_rollback(True)
    except Exception as error:  # noqa: BLE001 - any exception is the failure under test
        return f"{method} {url} {urlencode(data)[:120]}: {type(error).__name__}: {error}"[:400]
    finally:
        client.cookies = cookies
    if response.status_code >= 500:
        return f"{method} {url} {urlencode(data)[:120]}: {response.status_code}"
    return ""


def urls_for(world, name: str) -> list[str]:
    """The URL with its real ids (when the access matrix knows them), then with each id bad."""
    entry = MATRIX.get(name)
    if entry is None:
        return []  # a format-suffix twin of a listed route
    kwargs = entry.kwargs(world) if entry.kwargs else {}
    urls = [reverse(name, kwargs=kwargs or None)]
    for key, value in kwargs.items():
        if isinstance(value, int):
            for bad in BAD_IDS:
                # A value the path converter refuses is a 404 before any view.
                with suppress(NoReverseMatch):
                    urls.append(reverse(name, kwargs={**kwargs, key: bad}))
    return urls


@pytest.mark.parametrize("name", url_names())
def test_no_server_error_on_bad_parameters(world_and_clients, db, name):
    world, clients = world_and_clients
    urls = urls_for(world, name)
    personas = ["participant"] if name.startswith("portal:") else ["coach", "manager"]
    api = name.startswith("api:")
    entry = MATRIX.get(name)
    methods = entry.methods if urls else ()
    problems = []
    for persona, method in [(p, m) for p in personas for m in methods]:
        client = clients[persona]
        if persona != "participant":  # signed out, the sweep would only meet the sign-in page
            assert "_auth_user_id" in client.session, f"{persona} is signed out"
        # What the matrix sends to get past the form's first checks, if anything.
        given = entry.query if method == "GET" else entry.body
        base = {k: str(v) for k, v in given(world).items()} if given else {}
        for url in urls[1:]:
            problems.append(answer(client, method, url, base, api=api))
        with reads_recorded() as names:
            problems.append(answer(client, method, urls[0], base, api=api))
        if method != "GET" or name in SLOW:
            continue  # the forms' own fields are checked by their forms (tests per view)
        for parameter in sorted(names - NOT_PARAMETERS):
            for bad in BAD_VALUES:
                problems.append(answer(client, method, urls[0], {**base, parameter: bad}, api=api))
    problems = [p for p in problems if p]
    assert not problems, "\n".join(problems)


def test_the_sweep_notices_a_server_error(world_and_clients, db, monkeypatch):
    """The sweep is only worth its green if it turns red: put back the hours page's old
    month reader, which trusted the month to have a next one, and the answer is an error."""
    from sessions import attendance_views

    def trusting(request):
        return datetime.datetime.strptime(request.GET.get("month", ""), "%Y-%m").date()

    monkeypatch.setattr(attendance_views, "_month", trusting)
    client = world_and_clients[1]["manager"]
    url = reverse("sessions:hours")
    assert answer(client, "GET", url, {"month": "2026-03"}, api=False) == ""
    assert "OverflowError" in answer(client, "GET", url, {"month": "9999-12"}, api=False)


# Values forms post that their views read by hand ---------------------------------------------

POSTED = ["²", "١٢", "9" * 30, "abc", "-1"]


@pytest.mark.parametrize("bad", POSTED)
def test_an_attendance_version_that_is_no_number_is_no_server_error(world_and_clients, db, bad):
    world, clients = world_and_clients
    url = reverse("sessions:attendance-record", args=[world.session.pk, world.participant.pk])
    data = {"status": "present", "version": bad}
    assert answer(clients["coach"], "POST", url, data, api=False) == ""


@pytest.mark.parametrize("bad", POSTED)
def test_ticked_people_that_are_no_ids_are_no_server_error(world_and_clients, db, bad):
    world, clients = world_and_clients
    coach = clients["coach"]
    add = reverse("sessions:session-add-participants", args=[world.session.pk])
    assert answer(coach, "POST", add, {"participants": [bad]}, api=False) == ""
    pick = reverse("participants:pick")
    assert answer(coach, "GET", pick, {"participants": [bad], "q": "Sel"}, api=False) == ""
    members = reverse("sessions:group-add-members", args=[world.group.pk])
    assert answer(coach, "POST", members, {"participants": [bad]}, api=False) == ""
    create = reverse("sessions:session-create")
    data = {"programme": world.programme.pk, "participants": [bad], "date": "2026-03-02"}
    assert answer(coach, "POST", create, data, api=False) == ""
