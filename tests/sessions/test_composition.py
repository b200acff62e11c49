"""The group's composition rules checked on every join (level band, schooling band, the
programme's mother-tongue share): a breach is a warning the coach overrides by saying why;
without a reason nothing is written. The same rules through the group page, "admit and add",
the proposal's confirmation and the API; the mother-tongue limit is read by one function for
the proposal and the join."""

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import Event
from participants.choices import LanguageUse
from participants.models import LanguageSkill
from sessions import grouping, services
from sessions.grouping import Member, composition_breaches, tongues_over_share
from sessions.models import GroupMembership
from tests.api.conftest import api_client
from tests.evaluations.factories import make_assessment
from tests.factories import make_participant
from tests.sessions.factories import add_member, admit, make_group

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def person(programme, coach, *, level=None, schooling="", tongue=None, name="Nour"):
    someone = make_participant(coach=coach.user, first_name=name, schooling=schooling)
    admit(someone, programme)
    if level:
        make_assessment(participant=someone, oral=level, reading=level, writing=level)
    if tongue:
        LanguageSkill.objects.create(
            participant=someone, language=tongue, use=LanguageUse.MOTHER_TONGUE
        )
    return someone


def add(group, people, reason=""):
    return services.group_add_members(
        group=group, participants=people, joined_on=TODAY(), override_reason=reason
    )


# The rules, as plain data ------------------------------------------------------------------


def test_the_limit_counts_only_recorded_mother_tongues():
    assert tongues_over_share(["ar", "ar", None, "ti"], 40) == [("ar", 2, 4)]
    assert tongues_over_share(["ar", "ar", "ti", "ti", "fa"], 40) == []
    assert tongues_over_share(["ar", "ar"], None) == []


@pytest.mark.parametrize(
    ("level", "broken"), [("pre_a1", True), ("a1", False), ("a2", False), ("b1", True), ("", False)]
)
def test_the_level_band(level, broken):
    breaches = composition_breaches(
        joining=[Member("Nour", level=level)], staying=[], level_low="a1", level_high="a2"
    )
    assert bool(breaches) is broken


@pytest.mark.parametrize(
    ("schooling", "broken"),
    [("isced0", False), ("isced2", False), ("isced3", True), ("", False)],
)
def test_the_schooling_band(schooling, broken):
    breaches = composition_breaches(
        joining=[Member("Nour", schooling=schooling)], staying=[], schooling_high="isced2"
    )
    assert bool(breaches) is broken
    if broken:
        assert breaches == ["Nour has schooling ISCED 3; the group is for ISCED 2 or lower."]


def test_a_language_already_over_the_limit_is_not_blamed_on_someone_else():
    staying = [Member("A", mother_tongue="ar"), Member("B", mother_tongue="ar")]
    assert composition_breaches(joining=[Member("C", mother_tongue="ti")], staying=staying,
                                max_share=100) == []  # fmt: skip
    assert composition_breaches(joining=[Member("C", mother_tongue="ar")], staying=staying,
                                max_share=50)  # fmt: skip


# The service -------------------------------------------------------------------------------


@pytest.fixture
def banded(programme, coach):
    return make_group(
        programme=programme, coaches=[coach.user], level_low="a1", level_high="a2",
        schooling_low="isced0", schooling_high="isced2",
    )  # fmt: skip


def test_a_level_outside_the_band_is_refused_and_nothing_written(banded, programme, coach):
    high = person(programme, coach, level="b1", name="Yonas")
    with pytest.raises(services.CompositionBreach) as refused:
        add(banded, [high])
    assert refused.value.breaches == [f"{high.full_name} is at level B1; the group is for A1–A2."]
    assert "write why" in " ".join(refused.value.messages)
    assert not GroupMembership.objects.exists()


def test_a_schooling_outside_the_band_is_refused(banded, programme, coach):
    schooled = person(programme, coach, level="a1", schooling="isced6", name="Yonas")
    with pytest.raises(services.CompositionBreach, match="schooling ISCED 6"):
        add(banded, [schooled])
    assert not GroupMembership.objects.exists()


def test_people_within_the_rules_join_without_a_reason(banded, programme, coach):
    fits = person(programme, coach, level="a2", schooling="isced1")
    [membership] = add(banded, [fits], reason="not needed")
    assert membership.override_reason == ""


def test_the_reason_overrides_and_is_kept_and_audited(banded, programme, coach):
    high = person(programme, coach, level="b1")
    [membership] = add(banded, [high], reason="Her oral level is B1, her writing is not.")
    assert membership.override_reason == "Her oral level is B1, her writing is not."
    event = Event.objects.get(object_type="activities.groupmembership")
    assert event.participant_id == high.pk
    assert "writing is not" in event.note


def test_a_blank_reason_is_no_reason(banded, programme, coach):
    high = person(programme, coach, level="b1")
    with pytest.raises(services.CompositionBreach):
        add(banded, [high], reason="   ")
    assert not GroupMembership.objects.exists()


def test_the_mother_tongue_share_is_checked_when_joining_later(programme, coach):
    programme.max_mother_tongue_share = 40
    programme.save()
    group = make_group(programme=programme, coaches=[coach.user])
    for tongue in ["ar", "ti", "fa", "ar"]:
        add_member(group=group, participant=person(programme, coach, tongue=tongue))
    newcomer = person(programme, coach, tongue="ar", name="Layla")
    with pytest.raises(services.CompositionBreach, match="3 of 5 people would speak"):
        add(group, [newcomer])
    assert group.memberships.count() == 4
    add(group, [person(programme, coach, tongue="ti")])  # 2 of 5: within 40 %
    assert group.memberships.count() == 5


def test_the_proposal_and_the_join_read_the_same_limit(monkeypatch, programme, coach):
    calls = []
    real = grouping.tongues_over_share

    def spy(tongues, max_share):
        calls.append(max_share)
        return real(tongues, max_share)

    monkeypatch.setattr(grouping, "tongues_over_share", spy)
    speakers = [
        grouping.Candidate(id=n, name=str(n), level_rank=1.0, mother_tongue="ar") for n in range(3)
    ]
    grouping.propose(speakers, capacity=3, max_share=40)
    assert calls == [40]
    composition_breaches(joining=[Member("A", mother_tongue="ar")], staying=[], max_share=50)
    assert calls == [40, 50]


# The pages and the API --------------------------------------------------------------------


def test_the_group_page_shows_the_warning_and_asks_why(banded, programme, coach, coach_client):
    high = person(programme, coach, level="b1", name="Yonas")
    url = reverse("sessions:group-add-members", args=[banded.pk])
    data = {"participants": [high.pk], "joined_on": TODAY().isoformat()}
    response = coach_client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert f"{high.full_name} is at level B1; the group is for A1–A2." in page
    assert 'name="override_reason"' in page
    assert not GroupMembership.objects.exists()
    response = coach_client.post(url, {**data, "override_reason": "Placed with her sister."})
    assert response.status_code == 302
    assert GroupMembership.objects.get().override_reason == "Placed with her sister."


def test_admit_and_add_checks_the_rules_too(banded, programme, coach, coach_client):
    high = person(programme, coach, level="b1")
    enrolment = high.enrolments.get()
    enrolment.status = "waiting_list"
    enrolment.save()
    url = reverse("lifecycle:group-join", args=[banded.pk])
    data = {"participants": [high.pk], "joined_on": TODAY().isoformat()}
    coach_client.post(url, data)
    assert not GroupMembership.objects.exists()
    coach_client.post(url, {**data, "override_reason": "Ready for more."})
    assert GroupMembership.objects.get().override_reason == "Ready for more."


def api_url(group):
    return f"/api/groups/{group.pk}/members/"


def test_the_api_refuses_a_breach_without_a_reason(banded, programme, coach):
    high = person(programme, coach, level="b1", name="Yonas")
    client = api_client(coach)
    body = {"participants": [high.pk], "joined_on": TODAY().isoformat()}
    response = client.post(api_url(banded), body, content_type="application/json")
    assert response.status_code == 400
    assert f"{high.full_name} is at level B1" in str(response.json())
    assert not GroupMembership.objects.exists()
    body["override_reason"] = "Placed with her sister."
    response = client.post(api_url(banded), body, content_type="application/json")
    assert response.status_code == 201
    assert response.json() == {"added": [high.pk]}


def test_the_api_lets_only_the_groups_coaches_fill_it(banded, programme, coach, colleague,
                                                       outsider):  # fmt: skip
    fits = person(programme, coach, level="a1")
    body = {"participants": [fits.pk], "joined_on": TODAY().isoformat()}
    for staff in (colleague, outsider):
        response = api_client(staff).post(api_url(banded), body, content_type="application/json")
        assert response.status_code == 404
    assert not GroupMembership.objects.exists()


def test_the_api_does_not_add_someone_out_of_reach(banded, programme, coach, colleague):
    theirs = make_participant(coach=colleague.user)
    admit(theirs, programme)
    body = {"participants": [theirs.pk], "joined_on": TODAY().isoformat()}
    response = api_client(coach).post(api_url(banded), body, content_type="application/json")
    assert response.status_code == 400
    assert not GroupMembership.objects.exists()
