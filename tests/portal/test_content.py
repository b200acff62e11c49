"""Staff-typed texts in the participant's language: the coach (or an interpreter beside them)
enters a version of each text the phone shows; the phone shows it, or the original marked as
such; pictures of what to bring carry words in the person's language."""

import re
from datetime import time

import pytest
from django.utils import timezone

from portal import content
from portal.models import BringPictograms, ContentTranslation
from tests.evaluations.factories import make_goal
from tests.factories import make_module, make_participant, make_partner
from tests.portal.factories import portal_client_for
from tests.portal.test_language_sticks import said
from tests.sessions.factories import days_from_today, make_group, make_room, make_session
from trajectory.models import ActionStep, Placement


@pytest.fixture
def sara(participant, active, programme, coach):
    """Sara reads Arabic; her CPAS writes French. One of each text the phone shows."""
    participant.portal_language = "ar"
    participant.save()
    room = make_room(organisation=participant.organisation, name="Salle Meuse")
    session = make_session(
        programme=programme, date=days_from_today(2), topic="Vivre ensemble",
        bring="Cahier, stylo", room=room, expected=[participant],
    )  # fmt: skip
    goal = make_goal(enrolment=active, text="Parler au médecin")
    step = ActionStep.objects.create(
        goal=goal, text="Prendre le bus 4", who=ActionStep.Who.PARTICIPANT
    )
    placement = active.placements.create(
        kind="volunteering", host=make_partner(organisation=participant.organisation),
        role="Aide en cuisine", tasks="Éplucher les légumes", schedule="lundi 13–17",
        starts_on=timezone.localdate(), status="planned", hours_per_week=3,
    )  # fmt: skip
    return {"session": session, "room": room, "goal": goal, "step": step, "placement": placement}


def items_by_text(participant) -> dict[str, content.Item]:
    return {item.original: item for item in content.to_translate(participant)}


def translate(coach_client, participant, texts: dict[str, str], **extra):
    items = items_by_text(participant)
    data = {f"t-{items[original].key}": text for original, text in texts.items()}
    return coach_client.post(f"/participants/{participant.pk}/portal/translate/", {**data, **extra})


ARABIC = {
    "Vivre ensemble": "العيش معًا",
    "Cahier, stylo": "دفتر، قلم",
    "Salle Meuse": "قاعة الموز",
    "Parler au médecin": "التحدث مع الطبيب",
    "Prendre le bus 4": "ركوب الحافلة رقم 4",
    "Aide en cuisine": "مساعدة في المطبخ",
    "Éplucher les légumes": "تقشير الخضار",
    "lundi 13–17": "الاثنين 13–17",
}


def test_the_coach_sees_what_is_still_untranslated_with_the_original(
    coach_client, participant, sara
):
    page = coach_client.get(f"/participants/{participant.pk}/portal/translate/")
    html = page.content.decode()
    for original in ARABIC:
        assert original in html
    assert "8 texts still to translate." in html
    assert 'lang="ar" dir="rtl"' in html


def test_translations_reach_the_phone_and_the_rest_is_marked_as_original(
    coach_client, participant, sara
):
    some = {k: v for k, v in ARABIC.items() if k != "lundi 13–17"}
    response = translate(coach_client, participant, some)
    assert response.status_code == 302
    assert ContentTranslation.objects.filter(language="ar").count() == 7
    client, _access = portal_client_for(participant)
    html = client.get("/p/home/").content.decode()
    for original, arabic in some.items():
        assert arabic in html, original
        assert original not in html, original
    # Not translated: the original, marked, in the staff's language for screen readers.
    marked = said("ar", "(not translated)")
    assert re.search(r'<span lang="fr" dir="auto">lundi 13–17</span> <small class="original">'
                     + re.escape(marked), html)  # fmt: skip
    assert html.count(marked) == 1
    sessions = client.get("/p/sessions/").content.decode()
    assert "العيش معًا" in sessions and "دفتر، قلم" in sessions


def test_a_changed_original_shows_again_until_translated_again(coach_client, participant, sara):
    translate(coach_client, participant, {"Vivre ensemble": "العيش معًا"})
    sara["session"].topic = "Vivre ensemble à Namur"
    sara["session"].save()
    client, _access = portal_client_for(participant)
    html = client.get("/p/home/").content.decode()
    assert "العيش معًا" not in html and "Vivre ensemble à Namur" in html
    item = items_by_text(participant)["Vivre ensemble à Namur"]
    assert item.outdated and item.translation == "العيش معًا"
    page = coach_client.get(f"/participants/{participant.pk}/portal/translate/").content.decode()
    assert "The original changed since" in page


def test_emptying_a_field_removes_the_translation(coach_client, participant, sara):
    translate(coach_client, participant, {"Prendre le bus 4": "ركوب الحافلة"})
    translate(coach_client, participant, {"Prendre le bus 4": "  "})
    assert not ContentTranslation.objects.exists()


def test_only_the_persons_own_texts_are_accepted(coach_client, participant, sara, neighbour):
    """A key of another person's step, typed into the form, writes nothing."""
    theirs = ActionStep.objects.create(
        goal=make_goal(enrolment=neighbour.enrolments.get(), text="Autre"),
        text="Secret", who=ActionStep.Who.PARTICIPANT,
    )  # fmt: skip
    step_type = items_by_text(participant)["Prendre le bus 4"].key.split("-")[0]
    coach_client.post(
        f"/participants/{participant.pk}/portal/translate/",
        {f"t-{step_type}-{theirs.pk}-text": "x", f"t-{step_type}-{sara['step'].pk}-secret": "x"},
    )
    assert not ContentTranslation.objects.exists()


@pytest.mark.parametrize("persona", ["outsider_client", "outsider_manager_client"])
def test_another_organisation_sees_nothing_and_writes_nothing(request, persona, participant, sara):
    client = request.getfixturevalue(persona)
    assert client.get(f"/participants/{participant.pk}/portal/translate/").status_code == 404
    key = items_by_text(participant)["Prendre le bus 4"].key
    response = client.post(f"/participants/{participant.pk}/portal/translate/", {f"t-{key}": "x"})
    assert response.status_code == 404
    assert not ContentTranslation.objects.exists()


def test_the_manager_may_translate_too(manager_client, participant, sara):
    translate(manager_client, participant, {"Prendre le bus 4": "ركوب الحافلة"})
    assert ContentTranslation.objects.get().translated_by.staff.role == "manager"


def test_a_participant_reading_the_organisations_language_has_nothing_to_translate(
    coach_client, participant, sara, organisation
):
    participant.portal_language = organisation.language
    participant.save()
    html = coach_client.get(f"/participants/{participant.pk}/portal/translate/").content.decode()
    assert "there is nothing to translate" in html
    client, _access = portal_client_for(participant)
    assert 'class="original"' not in client.get("/p/home/").content.decode()


def test_pictures_of_what_to_bring_with_words_in_the_persons_language(
    coach_client, participant, sara
):
    translate(
        coach_client,
        participant,
        {},
        **{f"bring-{sara['session'].pk}": ["notebook", "pen", "bogus"]},
    )
    assert BringPictograms.objects.get().items == ["notebook", "pen"]
    client, _access = portal_client_for(participant)
    html = client.get("/p/home/").content.decode()
    assert said("ar", "Notebook") in html and said("ar", "Pen") in html
    assert 'class="pictograms"' in html


def test_the_kind_of_session_has_its_picture(participant, sara):
    client, _access = portal_client_for(participant)
    html = client.get("/p/home/").content.decode()
    assert "lucide-pen-line" in html  # a workshop


def test_the_translate_page_reads_little(
    coach_client, participant, sara, django_assert_max_num_queries
):
    coach_client.get(f"/participants/{participant.pk}/portal/translate/")
    with django_assert_max_num_queries(16):
        coach_client.get(f"/participants/{participant.pk}/portal/translate/")


def test_a_stranger_participant_is_not_in_the_list(participant, sara, coach):
    other = make_participant(organisation=participant.organisation, portal_language="ar")
    assert content.to_translate(other) == []
    assert Placement.objects.count() == 1


def test_a_translation_too_long_writes_nothing(coach_client, participant, sara):
    response = translate(
        coach_client, participant, {"Prendre le bus 4": "ب" * 2001, "Vivre ensemble": "العيش معًا"}
    )
    assert response.status_code == 302
    assert not ContentTranslation.objects.exists()
    page = coach_client.get(response.url).content.decode()
    assert "too long" in page


def test_a_goal_written_in_another_language_of_the_person_is_still_to_translate(participant, sara):
    """Her own words in Arabic do not help once she reads Tigrinya: the goal is on the list."""
    goal = sara["goal"]
    goal.text_own_language, goal.own_language = "أن أتكلم مع الطبيب", "ar"
    goal.save()
    assert "Parler au médecin" not in items_by_text(participant)
    participant.portal_language = "ti"
    participant.save()
    assert "Parler au médecin" in items_by_text(participant)


def test_multiline_tasks_keep_their_lines_and_are_escaped(participant, sara):
    Placement.objects.filter(pk=sara["placement"].pk).update(tasks="Éplucher\n<b>Servir</b>")
    client, _access = portal_client_for(participant)
    html = client.get("/p/home/").content.decode()
    assert "<p>Éplucher<br>&lt;b&gt;Servir&lt;/b&gt;</p>" in html
    assert "&lt;p&gt;" not in html


def test_a_group_session_is_named_by_its_module_which_can_be_translated(
    coach_client, participant, programme
):
    """A group's own name is the staff's label (module, level band, number): the phone names
    the session by its module, which has a translation like every text; a group without a
    module keeps its name."""
    participant.portal_language = "ar"
    participant.save()
    module = make_module(programme=programme, name="Module collectif")
    group = make_group(programme=programme, module=module, name="Module collectif — A1 (3)")
    plain = make_group(programme=programme, name="Groupe du jeudi")
    for days, of in ((1, group), (2, plain)):
        make_session(
            programme=programme, date=days_from_today(days), group=of, expected=[participant]
        )
    client, _access = portal_client_for(participant)
    html = client.get("/p/sessions/").content.decode()
    assert "A1 (3)" not in html and "Groupe du jeudi" in html
    marked = said("ar", "(not translated)")
    assert re.search(r'<span lang="fr" dir="auto">Module collectif</span> <small class="original">'
                     + re.escape(marked), html)  # fmt: skip
    # Not in her plan, yet on her "to translate" list: her sessions name it.
    assert "Module collectif" in items_by_text(participant)
    translate(coach_client, participant, {"Module collectif": "الحصص الجماعية"})
    html = client.get("/p/sessions/").content.decode()
    assert "الحصص الجماعية" in html and "Module collectif" not in html and marked not in html


@pytest.mark.parametrize("count", [1, 6])
def test_the_modules_of_group_sessions_cost_no_query_each(
    participant, programme, count, django_assert_num_queries
):
    participant.portal_language = "ar"
    participant.save()
    for n in range(count):
        module = make_module(programme=programme, name=f"Module {n}")
        group = make_group(programme=programme, module=module, name=f"Module {n} — A1 (1)")
        make_session(
            programme=programme, date=days_from_today(1 + n), group=group, expected=[participant]
        )
    client, _access = portal_client_for(participant)
    client.get("/p/sessions/")
    # As on any sessions page (tests/portal/test_home.py lists its nine queries): the modules
    # come with the sessions, their translations with the page's others.
    with django_assert_num_queries(9):
        html = client.get("/p/sessions/").content.decode()
    assert html.count("Module ") == count


def test_a_schedule_given_as_days_and_hours_needs_no_translation(participant, sara):
    placement = sara["placement"]
    assert "lundi 13–17" in items_by_text(participant)
    placement.weekdays, placement.starts_at, placement.ends_at = "0", time(13), time(17)
    placement.save()
    assert "lundi 13–17" not in items_by_text(participant)
    assert "Aide en cuisine" in items_by_text(participant)
