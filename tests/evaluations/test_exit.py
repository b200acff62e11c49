"""The exit: a review that closes the trajectory and plans the follow-up calls."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from evaluations.models import ExitReview, FollowUpCall
from evaluations.services import exit_record
from evaluations.views import exit_panel
from participants.models import Enrolment, EnrolmentStatusChange, Todo
from participants.services import todos_plan
from programme.models import TodoTemplate
from tests.evaluations.factories import make_call, make_exit_review, make_exited
from tests.helpers import login_url, row_counts

pytestmark = pytest.mark.django_db
Status = Enrolment.Status
TODAY = timezone.localdate


def url(enrolment) -> str:
    return reverse("lifecycle:exit", args=[enrolment.pk])


@pytest.fixture
def active(enrolment):
    Enrolment.objects.filter(pk=enrolment.pk).update(
        status=Status.ACTIVE, started_on=TODAY() - datetime.timedelta(days=200)
    )
    return Enrolment.objects.select_related("programme", "participant").get(pk=enrolment.pk)


def answers(**overrides) -> dict:
    data = {
        "exited_on": TODAY(),
        "exit_reason": "completed",
        "drop_out_reason": "",
        "exit_destination": "training",
        "strengths": "Punctual; speaks up in the group now.",
        "limits": "Writing is still hard.",
        "next_step": "Care assistant training at the adult school.",
        "contact_person": "Social worker of the Sainte-Marguerite antenna",
        "contact_phone": "+32 4 220 63 00",
    }
    data.update(overrides)
    return data


def posted(**overrides) -> dict:
    data = answers(**overrides)
    data["exited_on"] = data["exited_on"].isoformat() if data["exited_on"] else ""
    return data


def written() -> dict:
    return {
        **row_counts(),
        "ExitReview": ExitReview.objects.count(),
        "FollowUpCall": FollowUpCall.objects.count(),
    }


def current(enrolment) -> Enrolment:
    return Enrolment.objects.get(pk=enrolment.pk)


# The service ---------------------------------------------------------------------------------


def test_the_exit_closes_the_trajectory_with_its_review(active, coach):
    review = exit_record(enrolment=active, by=coach.user, **answers())

    enrolment = current(active)
    assert enrolment.status == Status.EXITED
    assert enrolment.exited_on == TODAY()
    assert (enrolment.exit_reason, enrolment.exit_destination) == ("completed", "training")
    assert review.enrolment_id == active.pk
    assert review.reviewed_by == coach.user
    assert review.next_step == "Care assistant training at the adult school."
    assert review.contact_phone == "+32 4 220 63 00"
    change = EnrolmentStatusChange.objects.get(enrolment=active, to_status=Status.EXITED)
    assert (change.from_status, change.changed_by) == (Status.ACTIVE, coach.user)


def test_the_calls_are_planned_at_4_13_and_26_weeks_after_exit(active, coach):
    exited_on = TODAY() - datetime.timedelta(days=3)

    exit_record(enrolment=active, by=coach.user, **answers(exited_on=exited_on))

    calls = FollowUpCall.objects.filter(enrolment=active).order_by("due_on")
    assert [(c.weeks_after_exit, c.due_on, c.status) for c in calls] == [
        (4, exited_on + datetime.timedelta(weeks=4), "planned"),
        (13, exited_on + datetime.timedelta(weeks=13), "planned"),
        (26, exited_on + datetime.timedelta(weeks=26), "planned"),
    ]
    # The first call falls inside the four weeks funders call "upon leaving".
    assert calls[0].due_on - exited_on <= datetime.timedelta(weeks=4)


def test_the_programmes_own_intervals_are_used(active, coach):
    active.programme.follow_up_weeks = "2, 8"
    active.programme.save()

    exit_record(enrolment=active, by=coach.user, **answers())

    assert sorted(active.follow_up_calls.values_list("weeks_after_exit", flat=True)) == [2, 8]


def test_no_calls_when_the_programme_sets_none(active, coach):
    active.programme.follow_up_weeks = ""
    active.programme.save()

    exit_record(enrolment=active, by=coach.user, **answers())

    assert current(active).status == Status.EXITED
    assert not FollowUpCall.objects.exists()


def test_a_paused_enrolment_can_exit(active, coach):
    Enrolment.objects.filter(pk=active.pk).update(status=Status.PAUSED)
    active.status = Status.PAUSED

    exit_record(
        enrolment=active,
        by=coach.user,
        **answers(exit_reason="dropped_out", drop_out_reason="health", exit_destination="none"),
    )

    enrolment = current(active)
    assert (enrolment.status, enrolment.drop_out_reason) == (Status.EXITED, "health")


def test_the_review_ticks_the_exit_evaluation_and_the_rest_of_the_plan_is_cancelled(active, coach):
    todos_plan(enrolment=active)
    exited_on = TODAY() - datetime.timedelta(days=1)

    exit_record(enrolment=active, by=coach.user, **answers(exited_on=exited_on))

    # The review is the exit evaluation the to-do list asked for (issue 15): it no longer
    # waits in the coach's list once the review is written.
    exit_todo = Todo.objects.get(enrolment=active, kind=TodoTemplate.Kind.EXIT)
    assert (exit_todo.done_on, exit_todo.done_by, exit_todo.cancelled) == (
        exited_on,
        coach.user,
        False,
    )
    others = Todo.objects.filter(enrolment=active).exclude(kind=TodoTemplate.Kind.EXIT)
    assert others.exists()
    assert all(todo.cancelled for todo in others if todo.done_on is None)


@pytest.mark.parametrize(
    "status",
    [
        Status.REFERRED,
        Status.INTAKE,
        Status.WAITING_LIST,
        Status.NOT_ADMITTED,
        Status.EXITED,
        Status.CLOSED,
    ],
)
def test_only_an_active_or_paused_enrolment_can_exit(active, coach, status):
    Enrolment.objects.filter(pk=active.pk).update(status=status)
    active.status = status
    before = written()

    with pytest.raises(ValidationError) as error:
        exit_record(enrolment=active, by=coach.user, **answers())

    assert "Only an active or paused enrolment can exit" in error.value.messages[0]
    assert written() == before


@pytest.mark.parametrize(
    "days, message",
    [
        (1, "Record the exit once it has happened: the date is in the future."),
        (-201, "The trajectory started on {start}: the exit cannot be earlier."),
    ],
)
def test_the_exit_date_is_checked(active, coach, days, message):
    before = written()

    with pytest.raises(ValidationError) as error:
        exit_record(
            enrolment=active,
            by=coach.user,
            **answers(exited_on=TODAY() + datetime.timedelta(days=days)),
        )

    start = date_format(active.started_on, "SHORT_DATE_FORMAT")
    assert error.value.message_dict["exited_on"] == [message.format(start=start)]
    assert current(active).status == Status.ACTIVE
    assert written() == before


def test_the_exit_may_fall_on_the_start_date(active, coach):
    exit_record(enrolment=active, by=coach.user, **answers(exited_on=active.started_on))
    assert current(active).exited_on == active.started_on


def test_the_review_is_required(active, coach):
    before = written()

    with pytest.raises(ValidationError) as error:
        exit_record(
            enrolment=active,
            by=coach.user,
            **answers(strengths="  ", next_step="", contact_person="", limits="", contact_phone=""),
        )

    assert error.value.message_dict == {
        "strengths": ["Write what the person does well: their strengths."],
        "next_step": ["Write the next step you recommend."],
        "contact_person": ["Say who the person can still turn to."],
    }
    assert current(active).status == Status.ACTIVE
    assert written() == before


def test_limits_and_phone_may_stay_empty(active, coach):
    review = exit_record(enrolment=active, by=coach.user, **answers(limits="", contact_phone=""))
    assert (review.limits, review.contact_phone) == ("", "")


def test_the_person_may_say_whether_the_programme_helped_their_integration(active, coach):
    review = exit_record(enrolment=active, by=coach.user, **answers(helped_integration="partly"))
    assert review.helped_integration == "partly"


def test_an_unknown_answer_on_integration_is_refused(active, coach):
    with pytest.raises(ValidationError) as error:
        exit_record(enrolment=active, by=coach.user, **answers(helped_integration="maybe"))
    assert list(error.value.message_dict) == ["helped_integration"]
    assert current(active).status == Status.ACTIVE


def test_a_drop_out_needs_its_reason(active, coach):
    before = written()

    with pytest.raises(ValidationError) as error:
        exit_record(enrolment=active, by=coach.user, **answers(exit_reason="dropped_out"))

    assert error.value.message_dict == {"drop_out_reason": ["Choose why the person dropped out."]}
    assert written() == before


def test_the_reason_and_destination_are_required(active, coach):
    with pytest.raises(ValidationError) as error:
        exit_record(enrolment=active, by=coach.user, **answers(exit_reason="", exit_destination=""))
    assert set(error.value.message_dict) == {"exit_reason", "exit_destination"}
    assert not ExitReview.objects.exists()


# The page ------------------------------------------------------------------------------------


def test_it_shows_the_exit_form(active, coach_client):
    response = coach_client.get(url(active))

    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.fields) == [
        "exited_on", "exit_reason", "drop_out_reason", "exit_destination", "strengths",
        "limits", "next_step", "contact_person", "contact_phone", "helped_integration",
    ]  # fmt: skip
    assert form["exited_on"].value() == TODAY()
    assert "Exit and review: Selam Haile" in response.content.decode()


def test_it_records_the_exit(active, coach_client):
    response = coach_client.post(url(active), posted())

    assert response.status_code == 302
    assert response.url == active.get_absolute_url()
    assert current(active).status == Status.EXITED
    assert ExitReview.objects.filter(enrolment=active).exists()
    page = coach_client.get(response.url).content.decode()
    assert "Exit recorded. 3 follow-up calls are planned." in page
    assert "Care assistant training at the adult school." in page


@pytest.mark.parametrize("destination", ["job_seeker", "inactive"])
def test_the_exit_records_a_job_seeker_or_an_inactive_person(active, coach_client, destination):
    # ESF+ counts a registered job seeker as "job searching upon leaving" from the exit on.
    page = coach_client.get(url(active)).content.decode()
    assert f'value="{destination}"' in page
    response = coach_client.post(url(active), posted(exit_destination=destination))
    assert response.status_code == 302
    assert current(active).exit_destination == destination


def test_the_message_says_when_no_calls_are_planned(active, coach_client):
    active.programme.follow_up_weeks = ""
    active.programme.save()

    response = coach_client.post(url(active), posted(), follow=True)

    assert "This programme plans no follow-up calls." in response.content.decode()


def test_the_manager_records_an_exit(active, manager, manager_client):
    response = manager_client.post(url(active), posted())

    assert response.status_code == 302
    assert ExitReview.objects.get(enrolment=active).reviewed_by == manager.user


def test_bad_input_says_what_is_wrong_and_writes_nothing(active, coach_client):
    before = written()

    response = coach_client.post(
        url(active),
        posted(
            exited_on=TODAY() + datetime.timedelta(days=2),
            exit_reason="",
            strengths="",
            contact_person="",
        ),
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["exit_reason"] == ["Choose why the person leaves."]
    assert form.errors["strengths"] == ["Write what the person does well: their strengths."]
    assert form.errors["contact_person"] == ["Say who the person can still turn to."]
    assert "Nothing was saved" in response.content.decode()
    assert written() == before


def test_the_services_refusal_shows_on_the_form(active, coach_client):
    before = written()

    response = coach_client.post(url(active), posted(exited_on=TODAY() + datetime.timedelta(1)))

    assert response.context["form"].errors["exited_on"] == [
        "Record the exit once it has happened: the date is in the future."
    ]
    assert written() == before


def test_an_enrolment_that_cannot_exit_goes_back_to_its_page(enrolment, coach_client):
    response = coach_client.get(url(enrolment), follow=True)

    assert response.redirect_chain == [(enrolment.get_absolute_url(), 302)]
    assert "Only an active or paused enrolment can exit." in response.content.decode()


def test_a_post_to_an_enrolment_that_cannot_exit_writes_nothing(enrolment, coach_client):
    before = written()
    response = coach_client.post(url(enrolment), posted())
    assert response.status_code == 302
    assert written() == before


def test_it_rejects_other_methods(active, coach_client):
    assert coach_client.put(url(active)).status_code == 405
    assert coach_client.delete(url(active)).status_code == 405


def test_anonymous_users_go_to_the_login_page(active, client):
    response = client.get(url(active))
    assert response.status_code == 302
    assert response.url == login_url(url(active))


@pytest.mark.parametrize(
    "who", ["administrator_client", "outsider_client", "outsider_manager_client"]
)
def test_outside_the_caseload_it_is_not_found(active, who, request):
    client = request.getfixturevalue(who)
    before = written()
    assert client.get(url(active)).status_code == 404
    assert client.post(url(active), posted()).status_code == 404
    assert written() == before


def test_a_colleague_without_the_person_on_their_caseload_gets_404(active, colleague_client):
    assert colleague_client.get(url(active)).status_code == 404
    assert colleague_client.post(url(active), posted()).status_code == 404
    assert current(active).status == Status.ACTIVE


# The enrolment page --------------------------------------------------------------------------


def test_the_enrolment_pages_exit_button_opens_the_review(active, coach_client):
    response = coach_client.get(active.get_absolute_url())

    actions = {to: (link, in_place) for to, _label, link, in_place in response.context["actions"]}
    assert actions[Status.EXITED] == (url(active), False)


def test_the_panel_shows_the_review_and_the_calls(active, coach, coach_client):
    exit_record(enrolment=active, by=coach.user, **answers())

    html = coach_client.get(active.get_absolute_url()).content.decode()

    assert "Exit and follow-up" in html
    assert "Punctual; speaks up in the group now." in html
    assert "Social worker of the Sainte-Marguerite antenna" in html
    assert 'href="tel:+3242206300"' in html
    assert "4 weeks after exit" in html
    assert "3 months after exit" in html
    assert "6 months after exit" in html


def test_no_panel_before_the_exit(active, coach_client, rf, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert exit_panel(rf.get("/"), active) is None
    assert "Exit and follow-up" not in coach_client.get(active.get_absolute_url()).content.decode()


def test_an_exit_without_review_or_calls_shows_no_panel(enrolment, rf):
    assert exit_panel(rf.get("/"), make_exited(enrolment=enrolment)) is None


@pytest.mark.parametrize("size", [1, 20])
def test_the_panel_runs_two_queries_whatever_the_number_of_calls(
    enrolment, rf, size, django_assert_num_queries
):
    exited = make_exited(enrolment=enrolment)
    make_exit_review(enrolment=exited)
    for n in range(size):
        make_call(enrolment=exited, weeks_after_exit=n + 1)

    # 1. the exit review with its author  2. the calls with their attempt counts and closer
    with django_assert_num_queries(2):
        panel = exit_panel(rf.get("/"), exited)

    assert len(panel["calls"]) == size
    assert panel["review"].enrolment_id == exited.pk
