"""Bad input everywhere (issue 8, item 8): every main form, posted by Hypothesis with arbitrary
values in every field it shows — text with NUL bytes, right-to-left marks, emoji and
thousands of characters; impossible dates; huge, negative and non-numbers — answers with the
page and its messages or a redirect after saving, never a server error or an exception.

The fields are read from the page itself (every input, select and textarea of its form), so a
field added later is fuzzed too. The test client re-raises any exception a view lets through."""

import datetime
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.evaluations.factories import make_call, make_exited
from tests.factories import make_enrolment, make_participant, make_partner
from tests.helpers import EMPTY_LANGUAGES
from tests.trajectory.factories import make_goal, make_host, make_placement, started

pytestmark = pytest.mark.django_db

NASTY = [
    "\x00", "a\x00b", "\u202eevil\u202c", "\u200f\u0645\u0631\u062d\u0628\u0627", "😀" * 30,
    "x" * 5000, "=1+1", "@SUM(A1)", "' OR 1=1 --", "<script>alert(1)</script>", "   ",
    "0", "-1", "1e309", "NaN", "99999999999999999999", "2024-02-30", "0000-00-00", "9999-12-31",
    "0001-01-01", "31/12/2024", "12:99", "\ud7ff", "\ufeff", "None", "[]", "{}",
]  # fmt: skip
TEXT = st.one_of(st.sampled_from(NASTY), st.text(max_size=60), st.text(min_size=200, max_size=2000))
DATES = st.dates(min_value=datetime.date(1, 1, 1)).map(lambda d: d.isoformat())
NUMBERS = st.integers(min_value=-(10**20), max_value=10**20).map(str)


class FormFields(HTMLParser):
    """The fields of the page's forms that post: name → list of offered values (empty for a
    free field)."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, list[str]] = {}
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and name != "csrfmiddlewaretoken":
            if attrs.get("type") in {"radio", "checkbox"}:
                self.fields.setdefault(name, []).append(attrs.get("value", "on"))
            elif attrs.get("type") not in {"submit", "file"}:
                self.fields.setdefault(name, [])
        elif tag == "textarea" and name:
            self.fields.setdefault(name, [])
        elif tag == "select" and name:
            self._select = name
            self.fields.setdefault(name, [])
        elif tag == "option" and self._select:
            self.fields[self._select].append(attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def fields_of(client, url) -> dict[str, list[str]]:
    response = client.get(url)
    assert response.status_code == 200, url
    parser = FormFields()
    parser.feed(response.content.decode())
    return parser.fields


@st.composite
def posts(draw, fields: dict[str, list[str]]):
    data = {}
    for name, offered in fields.items():
        choice = draw(st.integers(0, 9))
        if choice == 0:
            continue  # left out
        if offered and choice < 7:
            data[name] = draw(st.sampled_from(offered))
        elif "date" in name or name.endswith("_on") or choice == 7:
            data[name] = draw(st.one_of(DATES, TEXT))
        elif choice == 8:
            data[name] = draw(NUMBERS)
        else:
            data[name] = draw(TEXT)
    return data


FUZZ = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def fuzz(client, url, **kwargs):
    fields = fields_of(client, url)
    assert fields, f"no form found on {url}"

    @FUZZ
    @given(data=posts(fields))
    def post(data):
        response = client.post(url, data, **kwargs)
        assert response.status_code in {200, 204, 302}, (url, response.status_code, data)

    post()


@pytest.fixture
def active(enrolment):
    return started(enrolment)


def test_participant_forms(coach_client, participant):
    fuzz(coach_client, reverse("participants:create"))
    fuzz(coach_client, reverse("participants:edit", args=[participant.pk]))


@pytest.mark.parametrize("number", ["31/12/20", "1234567890a", "\x00"])
def test_a_register_number_with_other_characters_is_refused_plainly(coach_client, number):
    """Found by Hypothesis: these made the check of the birth date encoded in the number
    raise (a server error) instead of a message."""
    response = coach_client.post(
        reverse("participants:create"),
        {
            "first_name": "Nour",
            "last_name": "Saleh",
            "birth_date": "1990-01-01",
            "gender": "woman",
            "national_number": number,
            "portal_language": "fr",
            **EMPTY_LANGUAGES,
        },  # fmt: skip
    )
    assert response.status_code == 200
    assert response.context["form"].errors["national_number"]


def test_referral_to_a_programme(coach_client, participant, programme):
    fuzz(coach_client, reverse("participants:refer", args=[participant.pk]))


def test_intake_forms(coach_client, enrolment):
    fuzz(coach_client, reverse("participants:intake-interview", args=[enrolment.pk]))
    fuzz(coach_client, reverse("participants:intake-decision", args=[enrolment.pk]))


def test_action_plan_forms(coach_client, active):
    fuzz(coach_client, reverse("trajectory:goal-add", args=[active.pk]))
    goal = make_goal(enrolment=active)
    fuzz(coach_client, reverse("trajectory:step-add", args=[goal.pk]))
    fuzz(coach_client, reverse("trajectory:goal-revise", args=[goal.pk]))


def test_partner_referral_and_consent(coach_client, active, participant, organisation):
    make_partner(organisation=organisation)
    fuzz(coach_client, reverse("trajectory:referral-add", args=[active.pk]))
    fuzz(coach_client, reverse("participants:consents", args=[participant.pk]))


def test_placement_forms(coach_client, active, organisation):
    make_host(organisation=organisation)
    fuzz(coach_client, reverse("trajectory:placement-add", args=[active.pk]))
    placement = make_placement(enrolment=active)
    fuzz(coach_client, reverse("trajectory:placement-edit", args=[placement.pk]))
    fuzz(coach_client, reverse("trajectory:placement-end", args=[placement.pk]))


def test_evaluation_and_exit_forms(coach_client, active, coach, programme):
    fuzz(coach_client, reverse("evaluations:evaluation-new", args=[active.pk]))
    other = started(make_enrolment(participant=make_participant(coach=coach.user),
                                   programme=programme))  # fmt: skip
    fuzz(coach_client, reverse("lifecycle:exit", args=[other.pk]))


def test_language_assessment_form(coach_client, participant):
    fuzz(coach_client, reverse("evaluations:language", args=[participant.pk]))


def test_call_attempt_form(coach_client, enrolment):
    exited = make_exited(
        enrolment=enrolment, exited_on=timezone.localdate() - datetime.timedelta(28)
    )
    call = make_call(enrolment=exited, weeks_after_exit=4, due_on=timezone.localdate())
    fuzz(coach_client, reverse("evaluations:call", args=[call.pk]))
