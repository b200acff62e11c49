""" "My modules" on the phone's home: the modules of the person's plan and where they stand,
each name in the person's language where a translation was entered."""

from django.contrib.contenttypes.models import ContentType

from participants import plans
from participants.models import PlannedModule
from portal.models import ContentTranslation
from tests.factories import make_module
from tests.portal.factories import portal_client_for


def test_the_plan_s_modules_with_their_status(portal, active, programme, coach):
    art = make_module(programme=programme, name="Atelier art", trial_sessions=1)
    it = make_module(programme=programme, name="Atelier informatique")
    dropped = make_module(programme=programme, name="Atelier théâtre")
    plans.module_try(enrolment=active, module=art, on=active.started_on, by=coach.user)
    plans.module_choose(enrolment=active, module=it, by=coach.user)
    entry = plans.module_choose(enrolment=active, module=dropped, by=coach.user)
    plans.module_stop(entry=entry, reason="other_module", by=coach.user)

    html = portal.get("/p/home/").content.decode()

    assert "My modules" in html
    assert "Atelier art" in html and "You are trying it" in html
    assert "Atelier informatique" in html
    assert "Atelier théâtre" not in html


def test_no_plan_no_section(portal):
    assert "My modules" not in portal.get("/p/home/").content.decode()


def test_a_translated_module_name_reaches_the_phone(participant, active, programme, coach):
    participant.portal_language = "ar"
    participant.save()
    module = make_module(programme=programme, name="Atelier informatique")
    plans.module_choose(enrolment=active, module=module, by=coach.user)
    ContentTranslation.objects.create(
        content_type=ContentType.objects.get_for_model(module),
        object_id=module.pk,
        field="name",
        language="ar",
        text="ورشة الحاسوب",
        source=module.name,
    )
    client, _access = portal_client_for(participant)
    html = client.get("/p/home/").content.decode()
    assert "ورشة الحاسوب" in html
    assert "Atelier informatique" not in html
    assert PlannedModule.objects.count() == 1


def test_the_coach_is_asked_to_translate_the_module_names(
    coach_client, participant, active, programme, coach
):
    participant.portal_language = "ar"
    participant.save()
    module = make_module(programme=programme, name="Atelier informatique")
    plans.module_choose(enrolment=active, module=module, by=coach.user)
    page = coach_client.get(f"/participants/{participant.pk}/portal/translate/")
    assert "Atelier informatique" in page.content.decode()
