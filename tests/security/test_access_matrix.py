"""The access matrix (issue 8, item 1): every page and API endpoint, read from the URL
configuration, visited by every persona — anonymous, the participant on their phone, the coach
with the person on their caseload, a colleague coach without them, the manager, the
administrator, and a coach and a manager of another organisation — with the answer each one
must get.

OWASP ASVS 5.0 V8 (Authorization):
- V8.1.1: the authorization rules are written down — MATRIX below is that documentation, and
  a URL without an entry fails `test_every_url_has_an_entry`;
- V8.2.1: function-level access — only the roles that do the work reach a page;
- V8.2.2: data-specific access (no IDOR/BOLA) — another organisation's record, or a person off
  the coach's caseload, is a 404, and another organisation's lists hold nothing of ours;
- V8.3.1: the rules are enforced on the server — unauthorised POSTs write nothing;
- V8.4.1: multi-tenant isolation — organisation A is never reachable from organisation B.

The Django admin (`admin:`) has its own permission tests (tests/programme/test_admin.py); the
API's format-suffix duplicates (`/api/participants.json`) resolve to the same views as the
names listed here.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.security.matrix_world import (
    FAST_HASHER,
    ORGANISATION_MARKERS,
    PARTICIPANT_MARKERS,
    PERSONAS,
    STAFF_PERSONAS,
    World,
    build_world,
    client_for,
    key_client,
)

# What a persona is told ----------------------------------------------------------------------
OK = "ok"  # allowed: a page, a download, a redirect after a write, form errors (400/409)
HIDDEN = "hidden"  # a list answered 200 that shows nothing of the world's person or organisation
NOT_FOUND = "404"
LOGIN = "login"  # 302 to the sign-in page
PORTAL = "portal"  # 302 to the portal's start page
UNAUTHORISED = "401"  # the API without credentials
REFUSED = "refused"  # a form error (400) or a 404: no success, and nothing written


def rule(anonymous, participant, coach, colleague, manager, administrator, outsider, outsider_m,
         outsider_participant=None):  # fmt: skip
    """The answers in PERSONAS' order; the participant of organisation B gets what the
    participant gets unless told otherwise."""
    answers = (anonymous, participant, coach, colleague, manager, administrator, outsider,
               outsider_m, outsider_participant or participant)  # fmt: skip
    return dict(zip(PERSONAS, answers, strict=True))


NF = NOT_FOUND
# A person's file and everything in it: their coach and the managers of the organisation.
FILE = rule(LOGIN, LOGIN, OK, NF, OK, NF, NF, NF)
# A file's history and erasure, the funder snapshots: managers only.
MANAGER_ONLY = rule(LOGIN, LOGIN, NF, NF, OK, NF, NF, NF)
# Work lists (caseload, to-dos, calls, agenda): each coach's own, the manager's organisation.
WORK_LIST = rule(LOGIN, LOGIN, OK, HIDDEN, OK, NF, HIDDEN, HIDDEN)
# Forms that create a record in one's own organisation.
WORK_NEW = rule(LOGIN, LOGIN, OK, OK, OK, NF, OK, OK)
# The organisation's programmes and sites: every member of its staff, administrators included.
ORG_OBJECT = rule(LOGIN, LOGIN, OK, OK, OK, OK, NF, NF)
ORG_LIST = rule(LOGIN, LOGIN, OK, OK, OK, OK, HIDDEN, HIDDEN)
# Grouping is a programme's work: its organisation's coaches and managers.
PROGRAMME_WORK = rule(LOGIN, LOGIN, OK, OK, OK, NF, NF, NF)
# The live reports read the manager's own organisation.
MANAGER_REPORT = rule(LOGIN, LOGIN, NF, NF, OK, NF, NF, HIDDEN)
# A personal API key: its owner alone may revoke it.
OWNER_ONLY = rule(LOGIN, LOGIN, OK, NF, NF, NF, NF, NF)
SIGNED_IN = rule(LOGIN, LOGIN, OK, OK, OK, OK, OK, OK)
PORTAL_PAGE = rule(PORTAL, OK, PORTAL, PORTAL, PORTAL, PORTAL, PORTAL, PORTAL, HIDDEN)
PORTAL_OBJECT = rule(PORTAL, OK, PORTAL, PORTAL, PORTAL, PORTAL, PORTAL, PORTAL, NF)
PUBLIC = rule(OK, OK, OK, OK, OK, OK, OK, OK)
U = UNAUTHORISED
API_LIST = rule(U, U, OK, HIDDEN, OK, NF, HIDDEN, HIDDEN)
API_OBJECT = rule(U, U, OK, NF, OK, NF, NF, NF)
API_PROGRAMMES = rule(U, U, OK, OK, OK, OK, HIDDEN, HIDDEN)
API_PROGRAMME = rule(U, U, OK, OK, OK, OK, NF, NF)
API_ROOT = rule(U, U, OK, OK, OK, NF, OK, OK)


@dataclass(frozen=True)
class Entry:
    expect: dict[str, str]
    kwargs: Callable[[World], dict] | None = None
    methods: tuple[str, ...] = ("GET",)
    # Where a POST is answered otherwise than a GET.
    post_expect: dict[str, str] = field(default_factory=dict)
    public: str = ""  # why anyone may open it
    body: Callable[[World], dict] | None = None
    query: Callable[[World], dict] | None = None
    # For API lists: the world's record that must not be listed to a HIDDEN persona.
    record: str = ""
    # For pages: words that must not appear to a HIDDEN persona (default: the person's name
    # to a colleague, every name of organisation A to another organisation).
    markers: tuple[str, ...] = ()


def pk(attribute: str) -> Callable[[World], dict]:
    return lambda world: {"pk": getattr(world, attribute).pk}


GET, POST, BOTH = ("GET",), ("POST",), ("GET", "POST")


def file(attribute: str, methods=BOTH, **options) -> Entry:
    return Entry(FILE, kwargs=pk(attribute), methods=methods, **options)


def public(reason: str, methods=GET, **options) -> Entry:
    return Entry(PUBLIC, methods=methods, public=reason, **options)


# Creating through the API: each within their own reach (an empty body is a 400).
API_CREATE = rule(U, U, OK, OK, OK, NF, OK, OK)


def api_list(record: str, methods=GET) -> Entry:
    return Entry(API_LIST, methods=methods, record=record, post_expect=API_CREATE)


def api_object(attribute: str, methods=GET) -> Entry:
    return Entry(API_OBJECT, kwargs=pk(attribute), methods=methods)


def snapshot_query(world: World) -> dict:
    today = world.snapshot.period_end
    return {"programme": world.programme.pk, "start": world.snapshot.period_start, "end": today}


MATRIX: dict[str, Entry] = {
    # Signing in and out, for staff -----------------------------------------------------------
    "login": public("the sign-in page", BOTH),
    "logout": public("signing out asks nothing but a POST", POST),
    "password_reset": public("a lost password is asked for before signing in", BOTH),
    "password_reset_done": public("says an e-mail was sent"),
    "password_reset_confirm": Entry(
        PUBLIC,
        kwargs=lambda world: {"uidb64": "MQ", "token": "not-a-real-token"},
        methods=BOTH,
        public="opened from the e-mail; a wrong token shows an 'invalid link' page",
    ),
    "password_reset_complete": public("says the password was changed"),
    "set_language": public("the language chooser, for anyone, stores only a cookie", BOTH),
    "password_change": Entry(SIGNED_IN, methods=BOTH),
    "password_change_done": Entry(SIGNED_IN),
    "account:two-factor-setup": Entry(SIGNED_IN, methods=BOTH),
    "account:verify": Entry(SIGNED_IN, methods=BOTH),
    "home": Entry(SIGNED_IN),
    # Programmes and API keys -----------------------------------------------------------------
    "programme:list": Entry(ORG_LIST),
    "programme:detail": Entry(ORG_OBJECT, kwargs=pk("programme")),
    "programme:api-keys": Entry(ORG_LIST, methods=BOTH, markers=("Spreadsheet sync",)),
    "programme:api-key-revoke": Entry(OWNER_ONLY, kwargs=pk("api_token"), methods=POST),
    # Participants ----------------------------------------------------------------------------
    "participants:caseload": Entry(WORK_LIST),
    "participants:pick": Entry(WORK_LIST),
    "participants:todos": Entry(WORK_LIST),
    "participants:create": Entry(WORK_NEW, methods=BOTH),
    "participants:import": Entry(WORK_NEW, methods=BOTH),
    "participants:import-confirm": Entry(WORK_NEW, methods=POST),
    "participants:import-template": Entry(WORK_NEW),
    "participants:detail": file("participant", GET),
    "participants:edit": file("participant"),
    "participants:refer": file("participant"),
    "participants:enrolment": file("enrolment", GET),
    "participants:todo-done": file("todo", POST),
    "participants:todo-add": file("enrolment"),
    "participants:intake-start": file("enrolment", POST),
    "participants:intake-eligibility": file("enrolment"),
    "participants:intake-interview": file("enrolment"),
    "participants:intake-decision": file("enrolment"),
    "lifecycle:enrolment-status": Entry(
        FILE, kwargs=lambda world: {"pk": world.enrolment.pk, "to": "paused"}, methods=BOTH
    ),
    "participants:goal-add": file("enrolment"),
    "participants:goal-edit": file("goal"),
    "participants:goal-revise": file("goal"),
    "participants:goal-close": Entry(
        FILE, kwargs=lambda world: {"pk": world.goal.pk, "status": "achieved"}, methods=POST
    ),
    "participants:step-add": file("goal"),
    "participants:step-edit": file("step"),
    "participants:step-action": Entry(
        FILE, kwargs=lambda world: {"pk": world.step.pk, "action": "done"}, methods=POST
    ),
    "participants:consents": file("participant"),
    "participants:consent-withdraw": file("consent", POST),
    "participants:referral-add": file("enrolment"),
    "participants:referral-status": file("referral"),
    "participants:placement-add": file("enrolment"),
    "participants:placement-edit": file("placement"),
    "participants:placement-end": file("placement"),
    "participants:funder-facts": file("participant", GET),
    "participants:event-add": file("participant", POST),
    "participants:characteristics-update": file("participant", POST),
    "participants:event-delete": file("event", POST),
    # Pages composed of several apps (casefile) -----------------------------------------------
    "casefile:today": Entry(WORK_LIST),
    "casefile:attention": Entry(WORK_LIST),
    # Evaluations, exit and follow-up calls ---------------------------------------------------
    "evaluations:language": file("participant"),
    "evaluations:evaluation-new": file("enrolment"),
    "evaluations:evaluation": file("evaluation", GET),
    "evaluations:evaluation-edit": file("evaluation"),
    "evaluations:evaluation-goal": Entry(
        FILE, kwargs=lambda world: {"pk": world.evaluation.pk, "domain": "autonomy"}, methods=BOTH
    ),
    "lifecycle:exit": file("enrolment"),
    "lifecycle:transfer": file("enrolment"),
    "lifecycle:group-join": file("group", POST),
    "evaluations:call-queue": Entry(WORK_LIST),
    "evaluations:call": file("call"),
    "evaluations:call-reopen": file("call", POST),
    # Groups, series, sessions, attendance, agendas, calendars -------------------------------
    "sessions:groups": Entry(WORK_LIST, markers=("Groupe Matin Liège",)),
    "sessions:group-create": Entry(WORK_NEW, methods=BOTH),
    "sessions:group": file("group", GET),
    "sessions:group-add-members": file("group", POST),
    "sessions:group-remove-member": Entry(
        FILE,
        kwargs=lambda world: {"pk": world.group.pk, "participant_pk": world.participant.pk},
        methods=POST,
    ),
    "sessions:group-schedule": file("group", GET),
    "sessions:series-create": Entry(WORK_NEW, methods=BOTH),
    "sessions:series": file("series", GET),
    "sessions:series-extend": file("series", POST),
    "sessions:series-change": file("series", POST),
    "sessions:session-create": Entry(WORK_NEW, methods=BOTH),
    "sessions:session": file("session", GET),
    "sessions:session-move": file("session", POST),
    "sessions:session-cancel": file("session"),
    "sessions:session-uncancel": file("session", POST),
    "sessions:session-add-participants": file("session", POST),
    "sessions:session-add-interpreter": file("session", POST),
    "sessions:attendance-record": Entry(
        FILE,
        kwargs=lambda world: {"pk": world.session.pk, "participant_pk": world.participant.pk},
        methods=POST,
    ),
    "sessions:attendance-all-present": file("session", POST),
    "sessions:grouping": Entry(PROGRAMME_WORK, kwargs=pk("programme"), methods=BOTH),
    "sessions:agenda": Entry(WORK_LIST),
    "sessions:room-schedule": Entry(ORG_OBJECT, kwargs=pk("site")),
    "sessions:attention": Entry(WORK_LIST),
    "sessions:hours": Entry(WORK_LIST),
    "sessions:feeds": Entry(
        WORK_LIST,
        methods=BOTH,
        post_expect={"colleague": OK, "outsider": OK, "outsider_manager": OK},
    ),
    "sessions:feed": Entry(
        PUBLIC,
        kwargs=lambda world: {"token": world.feed.token},
        public="a calendar app subscribes with the secret token alone; revoked, it is a 404",
    ),
    "sessions:participant-feed": file("participant"),
    # Reports ---------------------------------------------------------------------------------
    "reports:summary": file("enrolment", GET),
    "reports:summary-pdf": file("enrolment", GET),
    "reports:dashboard": Entry(MANAGER_REPORT),
    "reports:funder": Entry(MANAGER_REPORT),
    "reports:people": Entry(
        MANAGER_ONLY,
        query=lambda world: {**snapshot_query(world), "source": "funder", "key": "O.2.3|period"},
    ),
    "reports:snapshot-create": Entry(
        rule(LOGIN, LOGIN, NF, NF, OK, NF, NF, REFUSED), methods=POST, body=snapshot_query
    ),
    "reports:snapshot": Entry(MANAGER_ONLY, kwargs=pk("snapshot")),
    "reports:snapshot-pdf": Entry(MANAGER_ONLY, kwargs=pk("snapshot")),
    "reports:snapshot-csv": Entry(MANAGER_ONLY, kwargs=pk("snapshot")),
    "reports:snapshot-xlsx": Entry(MANAGER_ONLY, kwargs=pk("snapshot")),
    # The participant's portal ----------------------------------------------------------------
    "portal:start": public("where a participant types or scans their code", BOTH),
    "portal:open": Entry(
        PUBLIC,
        kwargs=lambda world: {"code": world.portal_code},
        public="the personal link or QR code; it only leads to the PIN page",
    ),
    "portal:pin": public("the PIN page; without an opened code it sends back to the start", BOTH),
    "portal:language": public("the portal's language chooser, stored in the session", BOTH),
    "portal:sign-out": public("ends whatever portal session the browser holds", POST),
    "portal:service-worker": public("the offline script, the same for everyone"),
    "portal:home": Entry(PORTAL_PAGE),
    "portal:sessions": Entry(PORTAL_PAGE),
    # Choosing a calendar on one's own phone makes one's own feed.
    "portal:calendar": Entry(PORTAL_PAGE, methods=BOTH, post_expect={"outsider_participant": OK}),
    "portal:session-ics": Entry(PORTAL_OBJECT, kwargs=pk("session")),
    "portal:step-done": Entry(PORTAL_OBJECT, kwargs=pk("step"), methods=POST),
    "portal:self-assessment": Entry(PORTAL_OBJECT, kwargs=pk("evaluation"), methods=BOTH),
    "portal:staff-access": file("participant"),
    "portal:staff-handout": file("participant", GET),
    # Data-protection rights ------------------------------------------------------------------
    "rights:history": Entry(MANAGER_ONLY, kwargs=pk("participant")),
    "rights:export-json": file("participant", GET),
    "rights:export-pdf": file("participant", GET),
    "rights:erase": Entry(MANAGER_ONLY, kwargs=pk("participant"), methods=BOTH),
    # The API ---------------------------------------------------------------------------------
    "api:schema": public("the OpenAPI description: the shape of the API, no data"),
    "api:docs": public("the Swagger page that reads the schema"),
    "api:api-root": Entry(API_ROOT),
    "api:programme-list": Entry(API_PROGRAMMES, record="programme"),
    "api:programme-detail": Entry(API_PROGRAMME, kwargs=pk("programme")),
    "api:participant-list": api_list("participant", BOTH),
    "api:participant-detail": api_object("participant", GET),
    "api:enrolment-list": api_list("enrolment", BOTH),
    "api:enrolment-detail": api_object("enrolment", GET),
    "api:enrolment-change-status": api_object("enrolment", POST),
    "api:enrolment-exit": api_object("enrolment", POST),
    "api:enrolment-transfer": api_object("enrolment", POST),
    "api:placement-list": api_list("placement", BOTH),
    "api:placement-detail": api_object("placement", GET),
    "api:placement-end": api_object("placement", POST),
    "api:referral-list": api_list("referral", BOTH),
    "api:referral-detail": api_object("referral", GET),
    "api:referral-change-status": api_object("referral", POST),
    "api:language-assessment-list": api_list("assessment", BOTH),
    "api:language-assessment-detail": api_object("assessment", GET),
    "api:evaluation-list": api_list("evaluation", BOTH),
    "api:evaluation-detail": api_object("evaluation", GET),
    "api:follow-up-call-list": api_list("call"),
    "api:follow-up-call-detail": api_object("call"),
    "api:follow-up-call-attempts": api_object("call", POST),
    "api:group-list": api_list("group"),
    "api:group-detail": api_object("group"),
    "api:series-list": api_list("series"),
    "api:series-detail": api_object("series"),
    "api:session-list": api_list("session"),
    "api:session-detail": api_object("session"),
    "api:session-attendance": api_object("session", POST),
    "api:attendance-list": api_list("attendance"),
    "api:attendance-detail": api_object("attendance", GET),
}


# The walk ------------------------------------------------------------------------------------


def url_names() -> set[str]:
    """Every named URL, namespaced, except the admin's. DRF's format-suffix patterns carry
    the same names as the plain ones, so the set holds each once."""
    names: set[str] = set()

    def walk(resolver: URLResolver, namespace: list[str]) -> None:
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern, namespace + ([pattern.namespace] if pattern.namespace else []))
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(":".join([*namespace, pattern.name]))

    walk(get_resolver(), [])
    return {name for name in names if not name.startswith("admin:")}


def test_every_url_has_an_entry():
    names = url_names()
    assert sorted(names - MATRIX.keys()) == [], "a new URL needs its row in MATRIX"
    assert sorted(MATRIX.keys() - names) == [], "MATRIX names a URL that no longer exists"


def test_public_entries_say_why():
    for name, entry in MATRIX.items():
        assert (entry.expect == PUBLIC) == bool(entry.public), name


# What counts as a write ----------------------------------------------------------------------

# Everything the application keeps about people and their work. Left out: the audit log (a
# refused request is logged, by design), sign-in sessions, lock-out counters and users'
# last sign-in.
WATCHED_APPS = {"programme", "participants", "evaluations", "activities", "portal", "reports"}
# Touched on every use of a key or a portal session, not by the request's own action.
UNWATCHED_FIELDS = {
    ("programme", "apitoken", "last_used_at"),
    ("portal", "portalaccess", "last_used_at"),
}


def fingerprint() -> dict[str, list]:
    state = {}
    for model in apps.get_models():
        meta = model._meta
        if meta.app_label not in WATCHED_APPS:
            continue
        columns = [
            f.attname
            for f in meta.concrete_fields
            if (meta.app_label, meta.model_name, f.name) not in UNWATCHED_FIELDS
        ]
        state[meta.label] = list(model.objects.order_by("pk").values_list(*columns))
    return state


def changed(before: dict, after: dict) -> list[str]:
    return [label for label in before if before[label] != after[label]]


# The visits ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world_and_clients(django_db_setup, django_db_blocker):
    # Built once for the module, with a signed-in browser per persona; each test runs in its
    # own savepoint inside this transaction (pytest-django's `db`), and everything is rolled
    # back at the end.
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world()
        with override_settings(PASSWORD_HASHERS=FAST_HASHER):
            clients = {persona: client_for(world, persona) for persona in PERSONAS}
        yield world, clients
        transaction.set_rollback(True)


def send(client, method: str, url: str, body: dict, *, api: bool):
    if method == "GET":
        return client.get(url)
    if api:
        return client.generic(method, url, json.dumps(body), content_type="application/json")
    return client.post(url, body)


def judge(response, outcome: str, entry: Entry, world: World, persona: str, api: bool) -> str:
    """What is wrong with the answer, or "" when it is the expected one."""
    status = response.status_code
    location = response.get("Location", "")
    if status >= 500:
        return f"server error {status}"
    if outcome == OK:
        to_login = location.startswith("/accounts/login/") and not entry.public
        refused = status in (401, 403, 404, 405) or to_login
        return f"refused ({status} {location})" if refused else ""
    if outcome == HIDDEN:
        if status != 200:
            return f"expected 200 with nothing of organisation A, got {status} {location}"
        if api:
            record = getattr(world, entry.record).pk
            listed = {row["id"] for row in response.json()["results"]}
            return f"lists {entry.record} {record}" if record in listed else ""
        markers = entry.markers or (
            PARTICIPANT_MARKERS if persona == "colleague" else ORGANISATION_MARKERS
        )
        text = response.content.decode().casefold()
        shown = [marker for marker in markers if marker.casefold() in text]
        return f"shows {shown}" if shown else ""
    if outcome == NOT_FOUND:
        return "" if status == 404 else f"expected 404, got {status} {location}"
    if outcome == REFUSED:
        return "" if status in (400, 404) else f"expected 400/404, got {status} {location}"
    if outcome == UNAUTHORISED:
        return "" if status == 401 else f"expected 401, got {status} {location}"
    if outcome == LOGIN:
        good = status == 302 and location.startswith("/accounts/login/")
        return "" if good else f"expected the sign-in page, got {status} {location}"
    if outcome == PORTAL:
        good = status == 302 and location == "/p/"
        return "" if good else f"expected the portal's start page, got {status} {location}"
    raise AssertionError(outcome)


def visit(world: World, clients: dict, name: str, channel: str) -> list[str]:
    entry = MATRIX[name]
    url = reverse(name, kwargs=entry.kwargs(world) if entry.kwargs else None)
    if entry.query:
        url += "?" + urlencode(entry.query(world))
    body = entry.body(world) if entry.body else {}
    api = name.startswith("api:")
    if entry.public:
        # Sign-in, sign-out and language pages change the browser's own state: fresh clients.
        clients = {persona: client_for(world, persona) for persona in PERSONAS}
    elif channel == "key":
        clients = {**clients, **{p: key_client(world, p) for p in STAFF_PERSONAS}}
    problems = []
    for method in entry.methods:
        expect = {**entry.expect, **(entry.post_expect if method != "GET" else {})}
        allowed = [p for p in PERSONAS if expect[p] in (OK, HIDDEN)]
        refused = [p for p in PERSONAS if p not in allowed]
        before = fingerprint() if method != "GET" else None
        for persona in refused:
            response = send(clients[persona], method, url, body, api=api)
            if problem := judge(response, expect[persona], entry, world, persona, api):
                problems.append(f"{method} {url} as {persona}: {problem}")
        if before is not None and (writes := changed(before, fingerprint())):
            problems.append(f"{method} {url} by {', '.join(refused)} wrote to {writes}")
        for persona in allowed:
            # Each allowed write is undone before the next persona knocks.
            with transaction.atomic():
                response = send(clients[persona], method, url, body, api=api)
                transaction.set_rollback(True)
            if problem := judge(response, expect[persona], entry, world, persona, api):
                problems.append(f"{method} {url} as {persona}: {problem}")
    return problems


CASES = [(name, "session") for name in sorted(MATRIX)] + [
    (name, "key") for name in sorted(MATRIX) if name.startswith("api:")
]


@pytest.mark.parametrize(("name", "channel"), CASES)
def test_each_persona_gets_the_expected_answer(world_and_clients, db, name, channel):
    problems = visit(*world_and_clients, name, channel)
    assert not problems, "\n".join(problems)


def test_the_matrix_notices_a_hole(world_and_clients, db, monkeypatch):
    """The matrix is only worth its green if it turns red: open three doors by hand — a file
    read without scoping, a list of everyone, a write without scoping — and it must say who
    got through and what they wrote."""
    from casefile import views as casefile_views
    from participants import trajectory_views, views
    from participants.models import Participant, Step

    # The participant file is composed in casefile.
    monkeypatch.setattr(
        casefile_views, "get_participant", lambda request, pk: Participant.objects.get(pk=pk)
    )
    monkeypatch.setattr(views, "participants_for", lambda staff: Participant.objects.all())
    monkeypatch.setattr(trajectory_views, "_get_step", lambda request, pk: Step.objects.get(pk=pk))

    detail = "\n".join(visit(*world_and_clients, "participants:detail", "session"))
    assert "as outsider: expected 404, got 200" in detail
    assert "as colleague: expected 404, got 200" in detail
    caseload = "\n".join(visit(*world_and_clients, "participants:caseload", "session"))
    assert "GET /participants/ as outsider_manager: shows [" in caseload
    assert "GET /participants/ as colleague: shows [" in caseload
    step = "\n".join(visit(*world_and_clients, "participants:step-action", "session"))
    assert "wrote to ['participants.Step'" in step
