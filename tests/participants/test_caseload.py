import pytest
from django.urls import reverse

from participants.models import Enrolment
from tests.factories import make_enrolment, make_participant, make_programme
from tests.helpers import login_url

pytestmark = pytest.mark.django_db
URL = reverse("participants:caseload")
Status = Enrolment.Status


def names(response) -> list[str]:
    return [p.full_name for p in response.context["page"].object_list]


def test_it_lists_the_coachs_caseload(participant, enrolment, coach_client):
    response = coach_client.get(URL)
    assert response.status_code == 200
    assert names(response) == ["Selam Haile"]
    html = response.content.decode()
    assert response.context["heading"] == "My caseload"
    assert "My caseload</h1>" in html
    assert "85.07.30-033.28" in html
    assert f'href="{enrolment.get_absolute_url()}"' in html
    assert "Vivre ensemble" in html


def test_it_includes_people_the_coach_follows_in_one_enrolment(
    organisation, colleague, coach, coach_client
):
    # The colleague is the referent coach, but our coach runs one of the person's enrolments.
    shared = make_participant(organisation=organisation, coach=colleague.user, first_name="Dawit")
    make_enrolment(participant=shared, coach=coach.user)
    response = coach_client.get(URL)
    assert names(response) == [shared.full_name]


def test_it_leaves_out_the_colleagues_caseload(participant, colleague_client):
    response = colleague_client.get(URL)
    assert response.status_code == 200
    assert names(response) == []
    assert "No participant matches these filters." in response.content.decode()


def test_a_manager_sees_the_whole_organisation(
    participant, organisation, colleague, manager_client
):
    other = make_participant(
        organisation=organisation, coach=colleague.user, first_name="Dawit", last_name="Abebe"
    )
    response = manager_client.get(URL)
    assert names(response) == [other.full_name, participant.full_name]
    assert response.context["heading"] == "Participants"


def test_another_organisation_sees_none_of_it(
    participant, outsider_client, outsider_manager_client
):
    assert names(outsider_client.get(URL)) == []
    assert names(outsider_manager_client.get(URL)) == []


def test_an_administrator_gets_a_404(participant, administrator_client):
    assert administrator_client.get(URL).status_code == 404


def test_it_requires_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url == login_url(URL)


def test_it_rejects_post(coach_client):
    assert coach_client.post(URL).status_code == 405


# Filters -----------------------------------------------------------------------------------


@pytest.fixture
def people(organisation, coach, colleague, programme):
    """Three people in the organisation, in two programmes, followed by two coaches."""
    second = make_programme(organisation=organisation, name="Premiers pas", code="premiers-pas")
    haile = make_participant(
        organisation=organisation,
        coach=coach.user,
        first_name="Selam",
        last_name="Haile",
        national_number="85073003328",
    )
    abebe = make_participant(
        organisation=organisation, coach=coach.user, first_name="Dawit", last_name="Abebe"
    )
    karimi = make_participant(
        organisation=organisation, coach=colleague.user, first_name="Zahra", last_name="Karimi"
    )
    make_enrolment(participant=haile, programme=programme, status=Status.ACTIVE)
    make_enrolment(participant=abebe, programme=programme, status=Status.WAITING_LIST)
    make_enrolment(participant=abebe, programme=second, status=Status.ACTIVE)
    make_enrolment(participant=karimi, programme=second, status=Status.PAUSED)
    return {"programme": programme, "second": second}


def test_it_filters_on_programme(people, manager_client):
    response = manager_client.get(URL, {"programme": people["second"].pk})
    assert names(response) == ["Dawit Abebe", "Zahra Karimi"]


def test_it_filters_on_status(people, manager_client):
    assert names(manager_client.get(URL, {"status": "active"})) == ["Dawit Abebe", "Selam Haile"]
    assert names(manager_client.get(URL, {"status": "paused"})) == ["Zahra Karimi"]


def test_programme_and_status_apply_to_the_same_enrolment(people, manager_client):
    # Abebe is active in the second programme and waiting in the first: not "active in the first".
    response = manager_client.get(URL, {"programme": people["programme"].pk, "status": "active"})
    assert names(response) == ["Selam Haile"]


def test_it_filters_on_coach(people, colleague, manager_client):
    response = manager_client.get(URL, {"coach": colleague.user.pk})
    assert names(response) == ["Zahra Karimi"]


def test_a_coach_filtering_on_a_colleague_stays_within_their_caseload(
    people, colleague, coach_client
):
    response = coach_client.get(URL, {"coach": colleague.user.pk})
    assert names(response) == []
    assert response.context["heading"] == "Participants"


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("haile", ["Selam Haile"]),
        ("ZAHRA", ["Zahra Karimi"]),
        ("dawit abe", ["Dawit Abebe"]),
        ("selam karimi", []),
        ("850730", ["Selam Haile"]),
        ("85.07.30", ["Selam Haile"]),
        ("85.07.30-033.28", ["Selam Haile"]),
        ("850731", []),
    ],
)
def test_it_searches_names_and_register_number_digits(people, manager_client, q, expected):
    assert names(manager_client.get(URL, {"q": q})) == expected


def test_it_offers_only_the_organisations_programmes_and_coaches(
    people, other_programme, outsider, manager_client
):
    form = manager_client.get(URL).context["filter"].form
    assert set(form.fields["programme"].queryset) == {people["programme"], people["second"]}
    assert outsider.user not in form.fields["coach"].queryset


def test_a_programme_of_another_organisation_is_not_a_way_in(
    people, other_organisation, outsider_manager_client
):
    theirs = make_participant(
        organisation=other_organisation, first_name="Jan", last_name="Janssens"
    )
    response = outsider_manager_client.get(URL, {"programme": people["programme"].pk})
    # The foreign programme is not a valid choice: the filter is ignored, within their own scope.
    assert "programme" in response.context["filter"].form.errors
    assert names(response) == [theirs.full_name]


def test_a_coach_using_the_filter_form_still_sees_my_caseload(participant, coach_client):
    # Submitting the form sends every field, the coach one empty.
    response = coach_client.get(URL, {"q": "", "programme": "", "status": "", "coach": ""})
    assert names(response) == ["Selam Haile"]
    assert response.context["heading"] == "My caseload"


# Pagination and htmx -----------------------------------------------------------------------


def test_it_pages_and_keeps_the_filters(organisation, coach, coach_client, settings):
    settings.CASELOAD_PAGE_SIZE = 2
    for last_name in ["Ahmadi", "Bakr", "Celik"]:
        make_participant(
            organisation=organisation, coach=coach.user, first_name="Sara", last_name=last_name
        )

    first = coach_client.get(URL, {"q": "sara"})
    assert names(first) == ["Sara Ahmadi", "Sara Bakr"]
    html = first.content.decode()
    assert "3 participants" in html
    assert "Page 1 of 2" in html
    assert 'href="?q=sara&amp;page=2"' in html

    second = coach_client.get(URL, {"q": "sara", "page": "2"})
    assert names(second) == ["Sara Celik"]
    assert "Page 2 of 2" in second.content.decode()


def test_an_out_of_range_page_shows_the_last_one(participant, coach_client):
    assert names(coach_client.get(URL, {"page": "99"})) == ["Selam Haile"]
    assert names(coach_client.get(URL, {"page": "x"})) == ["Selam Haile"]


def test_htmx_gets_only_the_results(participant, coach_client):
    response = coach_client.get(URL, {"q": "haile"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="results"')
    assert "Selam" in html
    assert "<html" not in html
    assert 'role="search"' not in html


def test_without_htmx_it_is_the_full_page(participant, coach_client):
    html = coach_client.get(URL).content.decode()
    assert "<html" in html
    assert 'role="search"' in html
    assert '<section id="results"' in html


# Queries -----------------------------------------------------------------------------------


def fill_caseload(coach, programme, size):
    for n in range(size):
        person = make_participant(
            organisation=coach.organisation, coach=coach.user, last_name=f"Person{n:03d}"
        )
        make_enrolment(participant=person, programme=programme, status=Status.ACTIVE)
        make_enrolment(participant=person, status=Status.REFERRED)


@pytest.mark.parametrize("size", [1, 50])
def test_the_number_of_queries_does_not_grow_with_the_caseload(
    coach, coach_client, programme, size, django_assert_num_queries
):
    fill_caseload(coach, programme, size)
    # 1. the session  2. the user with their staff record and organisation (page header)
    # 3. the count of matching participants (paginator)
    # 4. the programmes and 5. the coaches offered by the filter form
    # 6. one page of participants with their referent coach
    # 7. their enrolments with the programme (one prefetch)
    with django_assert_num_queries(7):
        response = coach_client.get(URL, {"status": "active"})
    assert len(response.context["page"].object_list) == min(size, 25)


def test_a_programme_out_of_reach_is_refused_with_a_message(coach_client, other_programme):
    response = coach_client.get(URL, {"programme": other_programme.pk})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
