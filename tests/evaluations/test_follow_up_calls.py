"""Follow-up calls after exit: logging attempts, the attempt limit, the answers when reached,
reopening support, the call page and the timeline (the demo's calls: tests/demo)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from evaluations.models import CallAttempt, FollowUpCall
from evaluations.services import call_attempt_record, support_reopen
from evaluations.timeline import exit_entries
from participants.models import Enrolment, EnrolmentStatusChange
from participants.services import StaleEdit
from tests.evaluations.factories import make_attempt, make_call, make_exit_review, make_exited
from tests.factories import make_enrolment, make_participant
from tests.helpers import login_url, row_counts

pytestmark = pytest.mark.django_db
Status = FollowUpCall.Status
TODAY = timezone.localdate
IN_TWO_MONTHS = datetime.timedelta(days=60)


@pytest.fixture
def exited(enrolment):
    return make_exited(enrolment=enrolment, exited_on=TODAY() - datetime.timedelta(weeks=4))


@pytest.fixture
def call(exited):
    return make_call(enrolment=exited, weeks_after_exit=4, due_on=TODAY())


def fresh(call) -> FollowUpCall:
    return FollowUpCall.objects.select_related("enrolment__programme").get(pk=call.pk)


REACHED = {
    "outcome": "reached",
    "situation": "training",
    "needs_help": False,
    "helped_integration": "yes",
    "notes": "Started the care assistant training in September.",
}


def log(call, by, **data):
    data.setdefault("version", call.version)
    return call_attempt_record(call=call, by=by, **data)


def written() -> dict:
    return {
        **row_counts(),
        "CallAttempt": CallAttempt.objects.count(),
        "calls": list(FollowUpCall.objects.values_list("status", "version").order_by("pk")),
    }


# Logging attempts ----------------------------------------------------------------------------


def test_no_answer_is_logged_and_the_call_stays_to_do(call, coach):
    attempt = log(call, coach.user, outcome="no_answer", note="Voicemail full")

    assert (attempt.outcome, attempt.note, attempt.attempted_by) == (
        "no_answer",
        "Voicemail full",
        coach.user,
    )
    call = fresh(call)
    assert (call.status, call.version, call.completed_on) == (Status.PLANNED, 2, None)


def test_the_last_allowed_failed_attempt_marks_the_call_unreachable(call, coach):
    log(call, coach.user, outcome="no_answer")
    log(fresh(call), coach.user, outcome="wrong_number")
    assert fresh(call).status == Status.PLANNED

    log(fresh(call), coach.user, outcome="no_answer")

    call = fresh(call)
    assert (call.status, call.completed_on, call.completed_by) == (
        Status.UNREACHABLE,
        TODAY(),
        coach.user,
    )
    assert call.attempts.count() == 3


def test_the_limit_is_the_programmes(call, coach):
    programme = call.enrolment.programme
    programme.follow_up_max_attempts = 1
    programme.save()

    log(fresh(call), coach.user, outcome="no_answer")

    assert fresh(call).status == Status.UNREACHABLE


def test_no_attempt_after_the_limit(call, coach):
    for _ in range(3):
        log(fresh(call), coach.user, outcome="no_answer")
    before = written()

    with pytest.raises(ValidationError) as error:
        log(fresh(call), coach.user, outcome="no_answer")

    assert error.value.messages == ["This call is already closed: unreachable."]
    assert written() == before


def test_reached_keeps_the_answers_and_closes_the_call(call, coach):
    log(call, coach.user, **REACHED)

    call = fresh(call)
    assert call.status == Status.REACHED
    assert (call.situation, call.needs_help, call.helped_integration) == ("training", False, "yes")
    assert call.notes == "Started the care assistant training in September."
    assert (call.completed_on, call.completed_by) == (TODAY(), coach.user)


def test_reached_after_failed_attempts_within_the_limit(call, coach):
    log(call, coach.user, outcome="no_answer")
    log(fresh(call), coach.user, outcome="no_answer")

    log(fresh(call), coach.user, **REACHED)

    assert fresh(call).status == Status.REACHED


def test_reached_needs_the_answers(call, coach):
    before = written()

    with pytest.raises(ValidationError) as error:
        log(call, coach.user, outcome="reached")

    assert error.value.message_dict == {
        "situation": ["Choose the person's situation today."],
        "needs_help": ["Say whether the person needs help."],
        "helped_integration": [
            "Say whether the programme helped their integration: yes, partly or no."
        ],
    }
    assert written() == before


def test_needing_help_says_what_help(call, coach):
    with pytest.raises(ValidationError) as error:
        log(call, coach.user, **{**REACHED, "needs_help": True, "help_notes": " "})
    assert error.value.message_dict == {"help_notes": ["Say what help the person needs."]}
    assert not CallAttempt.objects.exists()


def test_help_notes_are_kept_only_when_help_is_needed(call, coach):
    log(call, coach.user, **{**REACHED, "help_notes": "Leftover text"})
    assert fresh(call).help_notes == ""


def test_answers_given_with_a_failed_attempt_are_not_kept(call, coach):
    log(call, coach.user, **{**REACHED, "outcome": "no_answer"})

    call = fresh(call)
    assert (call.status, call.situation, call.needs_help, call.notes) == (
        Status.PLANNED,
        "",
        None,
        "",
    )


def test_an_unknown_outcome_is_refused(call, coach):
    with pytest.raises(ValidationError) as error:
        log(call, coach.user, outcome="busy")
    assert error.value.message_dict == {"outcome": ["Say how the call went."]}


def test_a_call_can_be_made_before_it_is_due(exited, coach):
    early = make_call(
        enrolment=exited, weeks_after_exit=13, due_on=TODAY() + datetime.timedelta(60)
    )

    log(early, coach.user, **REACHED)

    assert fresh(early).status == Status.REACHED


@pytest.mark.parametrize("status", [Status.REACHED, Status.UNREACHABLE, Status.CANCELLED])
def test_a_closed_call_takes_no_attempt(exited, coach, status):
    closed = make_call(enrolment=exited, status=status, situation="training", needs_help=False)
    with pytest.raises(ValidationError):
        log(closed, coach.user, outcome="no_answer")
    assert not CallAttempt.objects.exists()


def test_a_stale_log_is_refused_and_writes_nothing(call, coach, colleague):
    opened = fresh(call)  # the coach opens the form…
    log(fresh(call), colleague.user, outcome="no_answer")  # …a colleague logs an attempt
    before = written()

    with pytest.raises(StaleEdit) as error:
        log(opened, coach.user, **REACHED)

    assert "Someone else logged this call while you were on it" in error.value.messages[0]
    assert written() == before
    assert fresh(call).status == Status.PLANNED


# Reopening support ---------------------------------------------------------------------------


@pytest.fixture
def needs_help(call, coach):
    log(
        call,
        coach.user,
        **{**REACHED, "needs_help": True, "help_notes": "Letter from the landlord"},
    )
    return fresh(call)


def test_reopening_refers_the_person_again_with_their_coach(needs_help, exited, manager, coach):
    later = make_call(
        enrolment=exited, weeks_after_exit=13, due_on=TODAY() + datetime.timedelta(60)
    )

    enrolment = support_reopen(call=needs_help, by=manager.user)

    assert enrolment.pk != exited.pk
    assert (enrolment.programme, enrolment.participant) == (exited.programme, exited.participant)
    assert enrolment.status == Enrolment.Status.REFERRED
    assert enrolment.referral_source == "follow_up"
    assert enrolment.coach == coach.user  # the coach they had, not the manager who reopened
    assert enrolment.referred_on == TODAY()
    assert "Asked for help at the follow-up call of" in enrolment.referral_reason
    assert "(4 weeks after exit)" in enrolment.referral_reason
    assert "Letter from the landlord" in enrolment.referral_reason
    change = EnrolmentStatusChange.objects.get(enrolment=enrolment)
    assert (change.to_status, change.changed_by) == ("referred", manager.user)
    # Back in the programme: the calls "after leaving" that were still to come are cancelled.
    assert fresh(later).status == Status.CANCELLED
    assert fresh(needs_help).status == Status.REACHED


def test_support_is_reopened_only_once(needs_help, coach):
    support_reopen(call=needs_help, by=coach.user)
    before = Enrolment.objects.count()

    with pytest.raises(ValidationError) as error:
        support_reopen(call=fresh(needs_help), by=coach.user)

    assert error.value.messages == [
        "Selam Haile is already back in Vivre ensemble: support was reopened before."
    ]
    assert Enrolment.objects.count() == before


def test_support_is_reopened_only_from_a_call_that_found_a_need(call, coach):
    log(call, coach.user, **REACHED)  # reached, needs no help
    with pytest.raises(ValidationError):
        support_reopen(call=fresh(call), by=coach.user)
    with pytest.raises(ValidationError):
        support_reopen(call=make_call(enrolment=call.enrolment, weeks_after_exit=13), by=coach.user)
    assert Enrolment.objects.count() == 1


# The call page -------------------------------------------------------------------------------


def url(call) -> str:
    return reverse("evaluations:call", args=[call.pk])


def form(call, **data) -> dict:
    posted = {"version": call.version, "outcome": "no_answer", "note": ""}
    posted.update(data)
    return {key: value for key, value in posted.items() if value is not None}


def test_the_call_page_shows_who_to_call_and_the_form(call, coach_client):
    Enrolment.objects.filter(pk=call.enrolment_id).update(exit_destination="training")
    call.enrolment.participant.phone = "+32 470 12 34 56"
    call.enrolment.participant.save()
    make_exit_review(enrolment=call.enrolment)
    make_attempt(call=call, note="Voicemail full")

    response = coach_client.get(url(call))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Selam Haile" in html
    assert 'href="tel:+32470123456"' in html
    assert "Call 4 weeks after exit" in html
    assert "Voicemail full" in html
    assert "Formation d&#x27;aide-soignante." in html  # the recommended next step
    assert "1 attempt of 3 so far" in html
    assert response.context["form"]["version"].value() == call.version


def test_htmx_gets_only_the_form(call, coach_client):
    response = coach_client.get(url(call), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<article id="call-form">')
    assert "<html" not in html


def test_a_failed_attempt_goes_back_to_the_queue(call, coach_client):
    response = coach_client.post(url(call), form(call, note="No answer at 10:00"), follow=True)

    assert response.redirect_chain == [(reverse("evaluations:call-queue"), 302)]
    assert "Attempt 1 of 3 logged. Try again another day." in response.content.decode()
    assert CallAttempt.objects.get().note == "No answer at 10:00"


def test_with_htmx_the_page_is_reloaded_where_it_should_go(call, coach_client):
    response = coach_client.post(url(call), form(call), HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == reverse("evaluations:call-queue")


def test_a_reached_call_shows_what_was_said(call, coach_client):
    data = form(
        call,
        outcome="reached",
        situation="looking",
        needs_help="yes",
        help_notes="Letter from the landlord",
        helped_integration="partly",
    )
    response = coach_client.post(url(call), data, follow=True)

    assert response.redirect_chain == [(url(call), 302)]
    html = response.content.decode()
    assert "Call logged: Selam Haile was reached." in html
    assert "Looking for work" in html
    assert "Letter from the landlord" in html
    assert "Reopen support" in html
    refer = reverse("trajectory:referral-add", args=[call.enrolment_id])
    assert response.context["refer_url"].startswith(f"{refer}?kind=other&reason=Asked+for+help")
    assert 'id="call-form"' not in html


def test_the_last_attempt_says_unreachable(call, coach_client):
    make_attempt(call=call)
    make_attempt(call=call)

    response = coach_client.post(url(call), form(call), follow=True)

    assert response.redirect_chain == [(url(call), 302)]
    assert "No more attempts: Selam Haile is marked unreachable." in response.content.decode()


def test_bad_input_says_what_is_wrong_and_writes_nothing(call, coach_client):
    before = written()

    response = coach_client.post(url(call), form(call, outcome="reached", needs_help="yes"))

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["situation"] == ["Choose the person's situation today."]
    assert errors["help_notes"] == ["Say what help the person needs."]
    assert "Nothing was saved" in response.content.decode()
    assert written() == before


def test_a_missing_outcome_is_refused(call, coach_client):
    response = coach_client.post(url(call), form(call, outcome=""))
    assert response.context["form"].errors["outcome"] == ["Say how the call went."]
    assert not CallAttempt.objects.exists()


def test_a_stale_form_is_refused(call, coach_client):
    make_attempt(call=call)
    FollowUpCall.objects.filter(pk=call.pk).update(version=2)  # a colleague logged meanwhile

    response = coach_client.post(url(call), form(call, outcome="no_answer"))  # version 1

    assert "Someone else logged this call" in response.content.decode()
    assert CallAttempt.objects.count() == 1


def test_the_manager_logs_a_call(call, manager_client):
    assert manager_client.post(url(call), form(call)).status_code == 302
    assert CallAttempt.objects.count() == 1


def test_it_rejects_other_methods(call, coach_client):
    assert coach_client.put(url(call)).status_code == 405
    assert coach_client.delete(url(call)).status_code == 405


def test_anonymous_users_go_to_the_login_page(call, client):
    response = client.get(url(call))
    assert (response.status_code, response.url) == (302, login_url(url(call)))


@pytest.mark.parametrize(
    "who",
    ["administrator_client", "outsider_client", "outsider_manager_client", "colleague_client"],
)
def test_outside_the_caseload_the_call_is_not_found(call, who, request):
    client = request.getfixturevalue(who)
    assert client.get(url(call)).status_code == 404
    assert client.post(url(call), form(call)).status_code == 404
    assert not CallAttempt.objects.exists()


# Reopening from the page ---------------------------------------------------------------------


def reopen_url(call) -> str:
    return reverse("evaluations:call-reopen", args=[call.pk])


def test_reopen_leads_to_the_new_enrolment(needs_help, coach_client):
    response = coach_client.post(reopen_url(needs_help), follow=True)

    new = Enrolment.objects.exclude(pk=needs_help.enrolment_id).get()
    assert response.redirect_chain == [(new.get_absolute_url(), 302)]
    assert "Support reopened" in response.content.decode()
    page = coach_client.get(url(needs_help)).content.decode()
    assert "The person is back in Vivre ensemble" in page
    assert "Reopen support" not in page


def test_a_second_reopen_is_refused_with_a_message(needs_help, coach_client):
    coach_client.post(reopen_url(needs_help))

    response = coach_client.post(reopen_url(needs_help), follow=True)

    assert response.redirect_chain == [(url(needs_help), 302)]
    assert "support was reopened before" in response.content.decode()
    assert Enrolment.objects.count() == 2


def test_reopen_takes_only_post(needs_help, coach_client):
    assert coach_client.get(reopen_url(needs_help)).status_code == 405


def test_reopen_anonymous_goes_to_login(needs_help, client):
    assert client.post(reopen_url(needs_help)).url == login_url(reopen_url(needs_help))


@pytest.mark.parametrize(
    "who",
    ["administrator_client", "outsider_client", "outsider_manager_client", "colleague_client"],
)
def test_reopen_outside_the_caseload_is_not_found(needs_help, who, request):
    assert request.getfixturevalue(who).post(reopen_url(needs_help)).status_code == 404
    assert Enrolment.objects.count() == 1


# The timeline --------------------------------------------------------------------------------


def test_the_exit_review_and_the_finished_calls_are_on_the_timeline(needs_help, exited, coach):
    make_exit_review(enrolment=exited)
    make_call(
        enrolment=exited, weeks_after_exit=13, status=Status.UNREACHABLE, completed_on=TODAY()
    )
    make_call(enrolment=exited, weeks_after_exit=26, due_on=TODAY() + datetime.timedelta(90))

    entries = {entry.kind: entry for entry in exit_entries(exited.participant)}

    assert set(entries) == {"exit-review", "follow-up-reached", "follow-up-unreachable"}
    review = entries["exit-review"]
    assert (review.when, review.by) == (exited.exited_on, "Amina Benali")
    assert review.title == "Exit review — Vivre ensemble"
    assert review.detail == "Recommended next step: Formation d'aide-soignante."
    reached = entries["follow-up-reached"]
    assert reached.title == "Follow-up call (4 weeks after Vivre ensemble): reached"
    assert reached.detail == "In training or education · needs help: Letter from the landlord"
    assert reached.url == url(needs_help)
    assert "unreachable" in entries["follow-up-unreachable"].title


def test_only_the_persons_own_exit_entries(exited, coach):
    other = make_exited(enrolment=make_enrolment(participant=make_participant(coach=coach.user)))
    make_exit_review(enrolment=other)
    assert exit_entries(exited.participant) == []


@pytest.mark.parametrize("size", [1, 20])
def test_the_provider_runs_one_query_whatever_the_number(
    exited, coach, size, django_assert_num_queries
):
    make_exit_review(enrolment=exited)
    for n in range(size):
        make_call(
            enrolment=exited,
            weeks_after_exit=n + 1,
            status=Status.REACHED,
            situation="employed",
            needs_help=False,
            completed_on=TODAY(),
            completed_by=coach.user,
        )

    # 1. the enrolments with programme, exit review and reviewer, once per finished call
    #    with who closed it
    with django_assert_num_queries(1):
        entries = exit_entries(exited.participant)

    assert len(entries) == size + 1
