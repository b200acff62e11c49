"""The one-page trajectory summary, as a page and as a PDF."""

import datetime

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from evaluations.models import DomainScore, Evaluation, ExitReview, FollowUpCall
from participants.models import Enrolment
from reports import pdf
from reports.summary import trajectory_summary
from reports.views import SUMMARY
from tests.factories import make_partner
from tests.helpers import login_url
from trajectory.models import ActionStep, Goal, Placement, Referral

TODAY = timezone.localdate()


@pytest.fixture
def file(enrolment, coach):
    """A finished trajectory with something in every section."""
    started = TODAY - datetime.timedelta(days=280)
    Enrolment.objects.filter(pk=enrolment.pk).update(
        status=Enrolment.Status.EXITED,
        referred_on=started - datetime.timedelta(days=20),
        started_on=started,
        exited_on=TODAY - datetime.timedelta(days=10),
        exit_reason="completed",
        exit_destination="article_60",
        attendance_rate=86.5,
    )
    enrolment.refresh_from_db()
    partner = make_partner(organisation=enrolment.programme.organisation, name="Banque alimentaire")
    for n in range(4):
        goal = Goal.objects.create(
            enrolment=enrolment,
            text=f"I want to speak French at the doctor's ({n})",
            status=Goal.Status.ACHIEVED if n % 2 else Goal.Status.OPEN,
            created_by=coach.user,
            position=n,
        )
        for who in ActionStep.Who.values:
            ActionStep.objects.create(
                goal=goal, text=f"Practise with the group ({who})", who=who,
                status="done", done_on=TODAY,
            )  # fmt: skip
    for kind, day, score in [("baseline", started, 1), ("exit", TODAY - datetime.timedelta(10), 3)]:
        evaluation = Evaluation.objects.create(enrolment=enrolment, kind=kind, held_on=day)
        DomainScore.objects.bulk_create(
            DomainScore(evaluation=evaluation, domain=code, coach_score=score,
                        participant_score=min(score + 1, 4))
            for code in enrolment.programme.outcome_domains
        )  # fmt: skip
    Placement.objects.create(
        enrolment=enrolment, kind="volunteering", host=partner, role="Sorting food",
        hours_per_week=8, starts_on=started + datetime.timedelta(days=60),
        ended_on=TODAY - datetime.timedelta(days=20), status="ended", outcome="article_60",
    )  # fmt: skip
    Referral.objects.create(
        enrolment=enrolment, partner=partner, kind="legal", reason="Residence permit renewal",
        shares_personal_data=False,
    )  # fmt: skip
    ExitReview.objects.create(
        enrolment=enrolment,
        strengths="Punctual, helps others in the group.",
        limits="Reading official letters is still hard.",
        next_step="Article 60 contract at the food bank.",
        contact_person="Amina Benali",
        contact_phone="+32 4 123 45 67",
    )
    FollowUpCall.objects.create(
        enrolment=enrolment, weeks_after_exit=4, due_on=TODAY + datetime.timedelta(days=18)
    )
    return enrolment


def test_the_summary_page_shows_every_section(file, coach_client):
    response = coach_client.get(reverse("reports:summary", args=[file.pk]))
    html = response.content.decode()
    for text in [
        "Trajectory summary — Selam Haile",
        "I want to speak French at the doctor",
        "the participant alone",
        "Speaking and understanding the national language",
        "+2",
        "Banque alimentaire",
        "Legal advice",
        "Article 60 contract at the food bank.",
        "Amina Benali",
        "We will call you around",
        "86.5 %",
    ]:
        assert text in html, text
    # Sensitive content stays in the file, not on the summary.
    assert "Residence permit renewal" not in html
    assert "Reading official letters is still hard." not in html  # the review's limits
    assert file.participant.national_number_display not in html


def test_the_pdf_is_one_page(file, coach_client, coach):
    response = coach_client.get(reverse("reports:summary-pdf", args=[file.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert 'filename="parcours-selam-haile-' in response["Content-Disposition"]
    request = RequestFactory().get("/")
    request.user = coach.user
    assert pdf.page_count(SUMMARY, trajectory_summary(file), request) == 1


def test_a_new_enrolment_has_a_short_summary(enrolment, coach_client):
    html = coach_client.get(reverse("reports:summary", args=[enrolment.pk])).content.decode()
    assert "No goals written yet." in html and "No language test yet." in html


def test_the_enrolment_page_links_to_it(enrolment, coach_client):
    html = coach_client.get(enrolment.get_absolute_url()).content.decode()
    assert reverse("reports:summary", args=[enrolment.pk]) in html


@pytest.mark.parametrize("name", ["reports:summary", "reports:summary-pdf"])
def test_only_the_caseload_and_managers_get_it(name, enrolment, request, client):
    url = reverse(name, args=[enrolment.pk])
    assert client.get(url).url == login_url(url)
    for persona in ["colleague_client", "outsider_client", "outsider_manager_client",
                    "administrator_client"]:  # fmt: skip
        assert request.getfixturevalue(persona).get(url).status_code == 404, persona
    assert request.getfixturevalue("manager_client").get(url).status_code == 200
    assert request.getfixturevalue("coach_client").post(url).status_code == 405


def test_the_summary_costs_the_same_for_a_long_file(file, coach_client, django_assert_num_queries):
    url = reverse("reports:summary", args=[file.pk])
    # session, user with their staff record and organisation (header), the enrolment (person,
    # programme, organisation, coach, exit review), the scores with their evaluations, goals +
    # their
    # steps, language tests, hours attended, placements, referrals, the next call, the audit
    # event recording the view
    with django_assert_num_queries(12):
        coach_client.get(url)
    goal = file.goals.first()
    for n in range(10):
        ActionStep.objects.create(goal=goal, text=f"Step {n}", who="together")
        Evaluation.objects.create(enrolment=file, kind="midway", held_on=TODAY)
    with django_assert_num_queries(12):
        coach_client.get(url)


def test_rendering_fetches_only_static_files(settings):
    fetcher = pdf._fetcher()
    css = fetcher.fetch("http://testserver/static/css/print.css")
    assert b"@page" in css.read()
    for url in [
        "http://169.254.169.254/latest/meta-data/",
        "https://example.org/static/css/print.css.evil",
        "file:///etc/passwd",
        "http://testserver/static/../config/settings.py",
    ]:
        with pytest.raises(ValueError):
            fetcher.fetch(url)
