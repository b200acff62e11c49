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

import datetime
import importlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.contrib.messages import ERROR, get_messages
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

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
from tests.sessions.factories import get_kind

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
# The same as a file (PDF, XLSX): another organisation's manager gets a file of their own
# organisation. Not read for markers (compressed); the page it is built from is, above.
MANAGER_REPORT_FILE = rule(LOGIN, LOGIN, NF, NF, OK, NF, NF, OK)
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
    "healthz": public("for the proxy and the monitoring: states of parts, nothing personal"),
    "password_change": Entry(SIGNED_IN, methods=BOTH),
    "password_change_done": Entry(SIGNED_IN),
    "account:two-factor-setup": Entry(SIGNED_IN, methods=BOTH),
    "account:verify": Entry(SIGNED_IN, methods=BOTH),
    "account:password-reset": public("Django's password_reset address, served by our view", BOTH),
    "account:invitation": Entry(
        PUBLIC,
        kwargs=lambda world: {"uidb64": "MQ", "token": "not-a-real-token"},
        methods=BOTH,
        public="opened from the invitation mail; a wrong token shows an 'invalid link' page",
    ),
    "account:team": Entry(MANAGER_REPORT),
    "account:grant-manager": Entry(
        MANAGER_ONLY, kwargs=lambda world: {"pk": world.staff["colleague"].pk}, methods=POST
    ),
    "home": Entry(SIGNED_IN),
    # Programmes and API keys -----------------------------------------------------------------
    "programme:list": Entry(ORG_LIST),
    "programme:detail": Entry(ORG_OBJECT, kwargs=pk("programme")),
    "programme:api-keys": Entry(ORG_LIST, methods=BOTH, markers=("Spreadsheet sync",)),
    "programme:api-key-revoke": Entry(OWNER_ONLY, kwargs=pk("api_token"), methods=POST),
    # The keys of the organisation's staff: its managers only.
    "programme:organisation-api-keys": Entry(MANAGER_REPORT, markers=("Spreadsheet sync",)),
    "programme:organisation-api-key-revoke": Entry(
        MANAGER_ONLY, kwargs=pk("api_token"), methods=POST
    ),
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
    "participants:co-coach-add": file("enrolment"),
    "participants:co-coach-end": file("co_coach"),
    "participants:intake-eligibility": file("enrolment"),
    "participants:intake-interview": file("enrolment"),
    "participants:intake-decision": file("enrolment"),
    "lifecycle:enrolment-status": Entry(
        FILE, kwargs=lambda world: {"pk": world.enrolment.pk, "to": "paused"}, methods=BOTH
    ),
    "trajectory:goal-add": file("enrolment"),
    "trajectory:goal-edit": file("goal"),
    "trajectory:goal-revise": file("goal"),
    "trajectory:goal-close": Entry(
        FILE, kwargs=lambda world: {"pk": world.goal.pk, "status": "achieved"}, methods=POST
    ),
    "trajectory:step-add": file("goal"),
    "trajectory:step-edit": file("step"),
    "trajectory:step-action": Entry(
        FILE, kwargs=lambda world: {"pk": world.step.pk, "action": "done"}, methods=POST
    ),
    "participants:consents": file("participant"),
    "participants:consent-withdraw": file("consent", POST),
    "trajectory:referral-add": file("enrolment"),
    "trajectory:referral-status": file("referral"),
    "trajectory:placement-add": file("enrolment"),
    "trajectory:placement-edit": file("placement"),
    "trajectory:placement-end": file("placement"),
    "participants:funder-facts": file("participant", GET),
    "participants:event-add": file("participant", POST),
    "participants:characteristics-update": file("participant", POST),
    "participants:event-delete": file("event", POST),
    # Pages composed of several apps (casefile) -----------------------------------------------
    "casefile:today": Entry(WORK_LIST),
    "casefile:attention": Entry(WORK_LIST),
    # A cohort of a programme is the programme's work; POST starts it.
    "casefile:cohort": Entry(PROGRAMME_WORK, kwargs=pk("cohort"), methods=BOTH),
    # The person's module plan, from the enrolment page.
    "casefile:module-choose": file("enrolment", POST),
    "casefile:module-start": file("planned_module", POST),
    "casefile:module-finish": file("planned_module", POST),
    "casefile:module-stop": file("planned_module", POST),
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
    # "I can't come" from the phone, answered by whoever may record the person's attendance.
    "sessions:absence-confirm": file("absence_notice", POST),
    "sessions:absence-reject": file("absence_notice", POST),
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
    "reports:dashboard-pdf": Entry(MANAGER_REPORT_FILE),
    "reports:dashboard-xlsx": Entry(MANAGER_REPORT_FILE),
    "reports:funder": Entry(MANAGER_REPORT),
    "reports:modules": Entry(MANAGER_REPORT, markers=(*ORGANISATION_MARKERS, "Atelier cuisine")),
    # Facts about the project, not people: the organisation's managers and administrators.
    "reports:project-figures": Entry(
        rule(LOGIN, LOGIN, NF, NF, OK, OK, NF, NF),
        kwargs=pk("programme"),
        methods=BOTH,
        body=lambda world: {
            "start": "2025-01-01",
            "end": "2025-12-31",
            **{
                f"value_{pk}": 2
                for pk in world.programme.indicator_set.indicators.filter(
                    rule="entered"
                ).values_list("pk", flat=True)
            },
        },
    ),
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
    "portal:status": public("tells a phone whether its own portal session still holds"),
    "portal:offline": public("the offline page: nothing personal, kept by the phone"),
    "portal:manifest": public("the web app manifest: name, colours, icon, start page"),
    "portal:home": Entry(PORTAL_PAGE),
    "portal:sessions": Entry(PORTAL_PAGE),
    # Choosing a calendar on one's own phone makes one's own feed.
    "portal:calendar": Entry(PORTAL_PAGE, methods=BOTH, post_expect={"outsider_participant": OK}),
    "portal:session-ics": Entry(PORTAL_OBJECT, kwargs=pk("session")),
    "portal:step-done": Entry(PORTAL_OBJECT, kwargs=pk("step"), methods=POST),
    "portal:step-undo": Entry(PORTAL_OBJECT, kwargs=pk("done_step"), methods=POST),
    "portal:cant-come": Entry(PORTAL_OBJECT, kwargs=pk("session"), methods=BOTH),
    # Stopping one's own text messages, on one's own phone.
    "portal:text-messages": Entry(
        PORTAL_PAGE, methods=POST, post_expect={"outsider_participant": OK}
    ),
    "portal:self-assessment": Entry(PORTAL_OBJECT, kwargs=pk("evaluation"), methods=BOTH),
    # An image of the phone's page: a 404 (not a sign-in page) to whoever may not see it.
    "portal:room-photo": Entry(rule(NF, OK, OK, OK, OK, OK, NF, NF, NF), kwargs=pk("photo_room")),
    "portal:staff-access": file("participant"),
    "portal:staff-handout": file("participant", GET),
    "portal:staff-translate": file("participant"),
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
    "api:group-members": api_object("group", POST),
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
WATCHED_APPS = {
    "programme", "participants", "trajectory", "evaluations", "activities", "portal", "reports",
}  # fmt: skip
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
    from participants import views
    from participants.models import Participant
    from trajectory import views as trajectory_views
    from trajectory.models import ActionStep

    # The participant file is composed in casefile.
    monkeypatch.setattr(
        casefile_views, "get_participant_file", lambda request, pk: Participant.objects.get(pk=pk)
    )
    monkeypatch.setattr(views, "participants_for", lambda staff: Participant.objects.all())
    monkeypatch.setattr(
        trajectory_views, "_get_step", lambda request, pk: ActionStep.objects.get(pk=pk)
    )

    detail = "\n".join(visit(*world_and_clients, "participants:detail", "session"))
    assert "as outsider: expected 404, got 200" in detail
    assert "as colleague: expected 404, got 200" in detail
    caseload = "\n".join(visit(*world_and_clients, "participants:caseload", "session"))
    assert "GET /participants/ as outsider_manager: shows [" in caseload
    assert "GET /participants/ as colleague: shows [" in caseload
    step = "\n".join(visit(*world_and_clients, "trajectory:step-action", "session"))
    assert "wrote to ['trajectory.ActionStep'" in step


# Foreign and out-of-scope ids in every create and update body --------------------------------
#
# Every form and API serializer with a field that names another record (a ModelChoiceField, a
# PrimaryKeyRelatedField…) is read from the code, and each such field must have a probe: a
# body that, as sent by the coach, writes; then the same body with that field naming
# organisation B's record, or (for people, enrolments and groups, where a coach's reach is
# narrower than the organisation) a colleague's, which must write nothing and be told so.
# A new form or serializer with such a field fails `test_every_related_field_has_a_probe`
# until it has its probe.

# Forms that never write: their related fields only filter what is read (and the reads are
# scoped by the matrix above).
READ_ONLY_FORMS = {
    "reports.forms.PeriodForm": "the dashboard's and its lists' filter (GET)",
    "reports.forms.DashboardForm": "the dashboard's filter (GET)",
    "reports.forms.FunderForm": "the funder report page's filter (GET); its POST is SnapshotForm",
}
# Form modules left out: the Django admin has its own permission tests (tests/programme/).
LEFT_OUT_MODULES = ("programme.admin",)
PROJECT_APPS = {
    "audit", "casefile", "evaluations", "participants", "portal", "programme", "reports",
    "rights", "sessions", "trajectory",
}  # fmt: skip
B, COLLEAGUE = "another organisation's", "another coach's"


@dataclass(frozen=True)
class Probe:
    name: str  # the URL's name
    body: Callable[[World], dict]
    # Each related field of the body and the kind of record it names (World.others' keys).
    fields: dict[str, str]
    # What the probe covers: "module.Class" of the form or serializer.
    covers: str
    kwargs: Callable[[World], dict] | None = None
    method: str = "POST"
    # Who sends the valid body: the coach, or a manager for the managers' own pages.
    by: str = "coach"


def today(days: int = 0) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def _schedule(world: World) -> dict:
    return {
        "programme": world.programme.pk,
        "group": world.group.pk,
        "kind": get_kind().pk,
        "topic": "Sortie au musée",
        "start_time": "14:00",
        "end_time": "16:00",
        "place": "online",
        "partner": world.partner.pk,
        "facilitators": [world.staff["coach"].user.pk],
        "confirm": "1",
    }


SCHEDULE_FIELDS = {
    "programme": "programme",
    "group": "group",
    "kind": "kind",
    "partner": "partner",
    "facilitators": "staff",
}
PARTICIPANT_BODY = {
    "first_name": "Awet",
    "last_name": "Tesfay",
    "birth_date": "1992-03-14",
    "gender": "man",
    "portal_language": "fr",
    "children": 0,
    "lang-TOTAL_FORMS": "0",
    "lang-INITIAL_FORMS": "0",
}


def _exit_review() -> dict:
    """The exit review a transfer closes the enrolment with (the reason is "transferred")."""
    return {
        "exited_on": today(),
        "exit_destination": "training",
        "strengths": "Speaks up in the group",
        "next_step": "Starts the job-search track",
        "contact_person": "Marc Dubois",
    }


PROBES = [
    # Participants ----------------------------------------------------------------------------
    Probe(
        "participants:create",
        lambda w: {**PARTICIPANT_BODY, "coach": w.staff["colleague"].user.pk},
        {"coach": "staff"},
        "participants.forms.ParticipantForm",
    ),
    Probe(
        "participants:edit",
        lambda w: {
            **PARTICIPANT_BODY,
            "first_name": w.participant.first_name,
            "last_name": w.participant.last_name,
            "birth_date": w.participant.birth_date.isoformat(),
            "gender": w.participant.gender,
            "coach": w.staff["colleague"].user.pk,
            "version": w.participant.version,
        },
        {"coach": "staff"},
        "participants.forms.ParticipantForm",
        kwargs=pk("participant"),
    ),
    Probe(
        "participants:co-coach-add",
        lambda w: {
            "coach": w.staff["colleague"].user.pk,
            "role": "activation_coach",
            "since": today(),
        },
        {"coach": "staff"},
        "participants.forms.CoCoachForm",
        kwargs=pk("enrolment"),
    ),
    Probe(
        "participants:refer",
        lambda w: {
            "programme": w.second_programme.pk,
            "coach": w.staff["coach"].user.pk,
            "referred_on": today(),
            "referral_source": "partner",
            "referring_partner": w.partner.pk,
        },
        {"programme": "programme", "coach": "staff", "referring_partner": "partner"},
        "participants.forms.ReferralForm",
        kwargs=pk("participant"),
    ),
    Probe(
        "participants:consents",
        lambda w: {"purpose": "sharing", "partner": w.partner.pk, "given_on": today()},
        {"partner": "partner"},
        "participants.forms.ConsentForm",
        kwargs=pk("participant"),
    ),
    Probe(
        "trajectory:referral-add",
        lambda w: {
            "partner": w.partner.pk,
            "kind": "legal",
            "sent_on": today(),
            "reason": "Residence questions",
        },
        {"partner": "partner"},
        "trajectory.forms.PartnerReferralForm",
        kwargs=pk("enrolment"),
    ),
    Probe(
        "trajectory:placement-add",
        lambda w: {
            "kind": "volunteering",
            "host": w.partner.pk,
            "role": "Help at the counter",
            "hours_per_week": "4",
            "starts_on": today(7),
        },
        {"host": "partner"},
        "trajectory.forms.PlacementForm",
        kwargs=pk("enrolment"),
    ),
    Probe(
        "trajectory:placement-add",
        lambda w: {
            "kind": "volunteering",
            "host": w.partner.pk,
            "module": w.module.pk,
            "role": "Help in the kitchen",
            "hours_per_week": "4",
            "starts_on": today(7),
        },
        {"module": "module"},
        "trajectory.forms.PlacementForm",
        kwargs=pk("enrolment"),
    ),
    # The intake's decision, in a programme with tracks and entry by cohort -------------------
    Probe(
        "participants:intake-decision",
        lambda w: {
            "decision": "admitted",
            "track": w.intake_track.pk,
            "cohort": w.intake_cohort.pk,
        },
        {"track": "track", "cohort": "cohort"},
        "participants.forms.DecisionForm",
        kwargs=pk("intake"),
    ),
    # The module plan and the cohorts (casefile) ----------------------------------------------
    Probe(
        "casefile:module-choose",
        lambda w: {"module": w.other_module.pk, "action": "choose"},
        {"module": "module"},
        "participants.plan_forms.ModuleChooseForm",
        kwargs=pk("enrolment"),
    ),
    Probe(
        "casefile:cohort",
        lambda w: {"group_name": "Groupe Printemps", "module": w.module.pk},
        {"module": "module"},
        "casefile.forms.CohortStartForm",
        kwargs=pk("cohort"),
    ),
    Probe(
        "trajectory:placement-edit",
        lambda w: {
            "kind": w.placement.kind,
            "host": w.partner.pk,
            "role": "Stock keeper",
            "hours_per_week": "6",
            "starts_on": w.placement.starts_on.isoformat(),
            "version": w.placement.version,
        },
        {"host": "partner"},
        "trajectory.forms.PlacementForm",
        kwargs=pk("placement"),
    ),
    # Groups, series, sessions ----------------------------------------------------------------
    Probe(
        "sessions:group-create",
        lambda w: {
            "programme": w.programme.pk,
            "module": "",
            "name": "Groupe Après-midi",
            "capacity": 12,
            "site": w.site.pk,
            "coaches": [w.staff["coach"].user.pk],
            "starts_on": today(),
        },
        {"programme": "programme", "module": "module", "site": "site", "coaches": "staff"},
        "sessions.forms.GroupForm",
    ),
    Probe(
        "sessions:group-add-members",
        lambda w: {"participants": [w.newcomer.pk], "joined_on": today()},
        {"participants": "participant"},
        "sessions.forms.AddMembersForm",
        kwargs=pk("group"),
    ),
    Probe(
        "sessions:series-create",
        lambda w: {
            **_schedule(w),
            "frequency": "weekly",
            "interval": 1,
            "days": ["2"],
            "starts_on": today(7),
            "count": 2,
        },
        SCHEDULE_FIELDS,
        "sessions.forms.SeriesForm",
    ),
    Probe(
        "sessions:session-create",
        lambda w: {**_schedule(w), "date": today(3), "participants": [w.participant.pk]},
        {**SCHEDULE_FIELDS, "participants": "participant"},
        "sessions.forms.SessionForm",
    ),
    Probe(
        "sessions:session-create",
        lambda w: {
            **_schedule(w),
            "group": "",
            "date": today(3),
            "room": w.room.pk,
            "place": "room",
            "participants": [w.participant.pk],
        },
        {"room": "room"},
        "sessions.forms.SessionForm",
    ),
    Probe(
        "sessions:series-create",
        lambda w: {
            **_schedule(w),
            "group": "",
            "place": "room",
            "room": w.room.pk,
            "frequency": "weekly",
            "interval": 1,
            "days": ["2"],
            "starts_on": today(7),
            "count": 2,
        },
        {"room": "room"},
        "sessions.forms.SeriesForm",
    ),
    Probe(
        "sessions:session-add-participants",
        lambda w: {"participants": [w.newcomer.pk]},
        {"participants": "participant"},
        "sessions.views.session_add_participants",
        kwargs=pk("session"),
    ),
    Probe(
        "sessions:session-add-interpreter",
        lambda w: {
            "language": "ti",
            "provider": w.partner.pk,
            "interpreter_name": "Yonas",
            "status": "confirmed",
        },
        {"provider": "partner"},
        "sessions.forms.InterpreterForm",
        kwargs=pk("session"),
    ),
    # The enrolment's lifecycle (casefile) ------------------------------------------------------
    Probe(
        "lifecycle:group-join",
        lambda w: {"participants": [w.newcomer.pk], "joined_on": today()},
        {"participants": "participant"},
        "casefile.forms.GroupJoinForm",
        kwargs=pk("group"),
    ),
    Probe(
        "evaluations:evaluation-new",
        lambda w: {"kind": "midway", "held_on": today(), "coach_wellbeing": "2", "module": ""},
        {"module": "module"},
        "evaluations.forms.EvaluationForm",
        kwargs=pk("enrolment"),
    ),
    Probe(
        "api:group-members",
        lambda w: {"participants": [w.newcomer.pk], "joined_on": today()},
        {"participants": "participant"},
        "sessions.api.GroupJoinRequest",
        kwargs=pk("group"),
    ),
    Probe(
        "lifecycle:transfer",
        lambda w: {**_exit_review(), "programme": w.second_programme.pk},
        {"programme": "programme"},
        "casefile.forms.TransferForm",
        kwargs=pk("enrolment"),
    ),
    # Reports ---------------------------------------------------------------------------------
    Probe(
        "reports:snapshot-create",
        lambda w: {
            "programme": w.programme.pk,
            "also": [w.second_programme.pk],
            "start": today(-90),
            "end": today(),
        },
        {"programme": "programme", "also": "programme"},
        "reports.forms.SnapshotForm",
        by="manager",
    ),
    # The API ---------------------------------------------------------------------------------
    Probe(
        "api:participant-list",
        lambda w: {**PARTICIPANT_BODY, "coach": w.staff["colleague"].user.pk},
        {"coach": "staff"},
        "participants.api.ParticipantSerializer",
    ),
    Probe(
        "api:participant-detail",
        lambda w: {"coach": w.staff["colleague"].user.pk, "version": w.participant.version},
        {"coach": "staff"},
        "participants.api.ParticipantSerializer",
        kwargs=pk("participant"),
        method="PATCH",
    ),
    Probe(
        "api:enrolment-list",
        lambda w: {
            "participant": w.participant.pk,
            "programme": w.second_programme.pk,
            "coach": w.staff["coach"].user.pk,
            "referred_on": today(),
            "referral_source": "partner",
            "referring_partner": w.partner.pk,
        },
        {
            "participant": "participant",
            "programme": "programme",
            "coach": "staff",
            "referring_partner": "partner",
        },
        "participants.api.EnrolmentSerializer",
    ),
    Probe(
        "api:placement-list",
        lambda w: {
            "enrolment": w.enrolment.pk,
            "kind": "volunteering",
            "host": w.partner.pk,
            "role": "Help",
            "hours_per_week": "4.0",
            "starts_on": today(7),
        },
        {"enrolment": "enrolment", "host": "partner"},
        "trajectory.api.PlacementSerializer",
    ),
    Probe(
        "api:placement-detail",
        lambda w: {"host": w.partner.pk, "version": w.placement.version},
        {"host": "partner"},
        "trajectory.api.PlacementSerializer",
        kwargs=pk("placement"),
        method="PATCH",
    ),
    Probe(
        "api:referral-list",
        lambda w: {
            "enrolment": w.enrolment.pk,
            "partner": w.partner.pk,
            "kind": "legal",
            "sent_on": today(),
            "reason": "Residence questions",
            "shares_personal_data": False,
        },
        {"enrolment": "enrolment", "partner": "partner"},
        "trajectory.api.ReferralSerializer",
    ),
    Probe(
        "api:language-assessment-list",
        lambda w: {
            "participant": w.participant.pk,
            "language": "fr",
            "assessed_on": today(-1),
            "oral": "a2",
            "reading": "a1",
            "writing": "a1",
        },
        {"participant": "participant"},
        "evaluations.api.LanguageAssessmentSerializer",
    ),
    Probe(
        "api:evaluation-list",
        lambda w: {
            "enrolment": w.enrolment.pk,
            "kind": "midway",
            "held_on": today(),
            "scores": [{"domain": "oral_language", "coach_score": 2}],
        },
        {"enrolment": "enrolment"},
        "evaluations.api.EvaluationSerializer",
    ),
    Probe(
        "api:session-attendance",
        lambda w: {"marks": [{"participant": w.participant.pk, "status": "present"}]},
        {"marks.participant": "participant"},
        "sessions.api.SessionAttendanceRequest",
        kwargs=pk("session"),
    ),
    Probe(
        "api:enrolment-transfer",
        lambda w: {**_exit_review(), "programme": w.second_programme.pk},
        {"programme": "programme"},
        "casefile.api.TransferRequest",
        kwargs=pk("enrolment"),
    ),
]
# Bodies that name records otherwise than through a form or serializer field.
BODY_IDS = {
    "sessions.views.session_add_participants": "reads the people's ids from the POST",
    "sessions.api.SessionAttendanceRequest": "each mark names a person by id",
    "casefile.api.TransferRequest": "names the programme the person continues in by its id",
    "sessions.api.GroupJoinRequest": "names the people who join by their ids",
}


def related_fields() -> set[tuple[str, str]]:
    """(form or serializer, field) for every field naming another record that a request can
    set, in the project's forms and in the serializers of the API's writable endpoints."""
    from django import forms
    from rest_framework import mixins, relations

    from config.api import router

    url_names()  # imports every view module, and so every form

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    found = set()
    for form in set(subclasses(forms.BaseForm)):
        module = form.__module__
        if module.split(".")[0] not in PROJECT_APPS or module.startswith(LEFT_OUT_MODULES):
            continue
        if getattr(getattr(form, "Meta", None), "model", True) is None:
            continue
        for name, form_field in form.base_fields.items():
            if isinstance(form_field, forms.ModelChoiceField):
                found.add((f"{module}.{form.__qualname__}", name))
    for _prefix, viewset, _basename in router.registry:
        if not issubclass(viewset, mixins.CreateModelMixin | mixins.UpdateModelMixin):
            continue
        serializer = viewset.serializer_class
        for name, api_field in serializer().fields.items():
            related = isinstance(api_field, relations.RelatedField | relations.ManyRelatedField)
            if related and not api_field.read_only:
                found.add((f"{serializer.__module__}.{serializer.__qualname__}", name))
    return found


def _covered(form: str, field: str) -> bool:
    """A probe of the form or of a form built on it (the fields a series and a session share
    are defined once, on their common base)."""
    module, _, name = form.rpartition(".")
    cls = getattr(importlib.import_module(module), name)
    for probe in PROBES:
        module_p, _, name_p = probe.covers.rpartition(".")
        covering = getattr(importlib.import_module(module_p), name_p)
        if field in probe.fields and isinstance(covering, type) and issubclass(covering, cls):
            return True
    return False


def test_every_related_field_has_a_probe():
    missing = [
        f"{form}.{field}"
        for form, field in sorted(related_fields())
        if form not in READ_ONLY_FORMS and not _covered(form, field)
    ]
    assert missing == [], "a field that names another record needs its Probe in PROBES"


def test_probes_name_real_urls_and_kinds(world_and_clients, db):
    world, _clients = world_and_clients
    names = url_names()
    for probe in PROBES:
        assert probe.name in names, probe.name
        assert set(probe.fields.values()) <= world.others.keys(), probe
    for covers in {probe.covers for probe in PROBES}:
        if covers in BODY_IDS:
            continue
        assert any(form == covers for form, _field in related_fields()), covers


def _with(body: dict, field: str, value: int) -> dict:
    """The body with `field` naming `value`: a list stays a list; "marks.participant" is each
    mark's person."""
    if "." in field:
        outer, inner = field.split(".")
        return {**body, outer: [{**item, inner: value} for item in body[outer]]}
    return {**body, field: [value] if isinstance(body.get(field), list) else value}


def _told(response) -> str:
    """ "" when the answer says the write was refused: a 4xx, a form shown again with its
    errors, or a redirect with an error message; else what it said."""
    status = response.status_code
    if 400 <= status < 500:
        return ""
    if status == 200 and response.context is not None:
        shown = [value for context in response.context for value in context.flatten().values()]
        if any(getattr(value, "errors", None) for value in shown if hasattr(value, "is_bound")):
            return ""
    if status == 302:
        levels = [message.level for message in get_messages(response.wsgi_request)]
        if ERROR in levels:
            return ""
    return f"{status} {response.get('Location', '')} without a word of refusal"


def _send(client, probe: Probe, url: str, body: dict):
    if probe.name.startswith("api:"):
        return client.generic(probe.method, url, json.dumps(body), content_type="application/json")
    return client.post(url, body)


def probe_problems(world: World, clients: dict, probe: Probe) -> list[str]:
    url = reverse(probe.name, kwargs=probe.kwargs(world) if probe.kwargs else None)
    body = probe.body(world)
    problems = []
    # The body as it is writes: otherwise a refusal below would prove nothing.
    before = fingerprint()
    with transaction.atomic():
        response = _send(clients[probe.by], probe, url, body)
        wrote = changed(before, fingerprint())
        transaction.set_rollback(True)
    if not wrote or response.status_code >= 400:
        errors = [
            value.errors
            for context in response.context or []
            for value in context.flatten().values()
            if hasattr(value, "is_bound") and value.errors
        ]
        problems.append(f"{probe.name}: the probe's body does not write ({response.status_code})")
        problems.append(f"  {errors or response.content[:300]}")
        return problems
    for name, kind in probe.fields.items():
        for whose, other in world.others[kind].items():
            # A manager reaches everything of the organisation, a coach only their caseload.
            personas = ["coach", "manager"] if whose == B else ["coach"]
            personas = [p for p in personas if probe.by == "coach" or p == probe.by]
            for persona in personas:
                tampered = _with(body, name, other)
                with transaction.atomic():
                    response = _send(clients[persona], probe, url, tampered)
                    writes = changed(before, fingerprint())
                    transaction.set_rollback(True)
                said = _told(response)
                if writes or said:
                    problems.append(
                        f"{probe.method} {url} as {persona} with {whose} {kind} in {name}: "
                        + (f"wrote to {writes}" if writes else said)
                    )
    return problems


@pytest.mark.parametrize("probe", PROBES, ids=[f"{p.name}-{'-'.join(p.fields)}" for p in PROBES])
def test_no_foreign_or_out_of_scope_id_lands(world_and_clients, db, probe):
    problems = probe_problems(*world_and_clients, probe)
    assert not problems, "\n".join(problems)


def test_the_probes_notice_a_hole(world_and_clients, db, monkeypatch):
    """Open one door by hand — the session form offering every group of the organisation, as
    it did — and the probe must say which id landed and what it wrote."""
    from sessions import forms
    from sessions.models import Group

    monkeypatch.setattr(forms, "groups_to_act_on", lambda staff: Group.objects.all())
    [probe] = [p for p in PROBES if p.name == "sessions:session-create" and "group" in p.fields]

    problems = "\n".join(probe_problems(*world_and_clients, probe))

    assert "as coach with another coach's group in group: wrote to [" in problems
