"""The portal in the participant's language: their recorded language first, a chooser with
each language in its own script, right to left where the script is, dates in the local
format. The staff pages keep to French, Dutch and English."""

import re

import pytest
from django.conf import settings
from django.utils import timezone

from tests.evaluations.factories import make_evaluation, make_goal
from tests.portal.catalogue import portal_msgids
from tests.portal.factories import make_access, portal_client_for
from tests.sessions.factories import days_from_today, make_session
from trajectory.models import ActionStep

PORTAL = [code for code, _name in settings.PORTAL_LANGUAGES]
RTL = {"ar", "prs", "ps"}
STAFF = {code for code, _name in settings.STAFF_LANGUAGES}
# Messages that read the same in some language (a placeholder only, a loanword).
SAME_EVERYWHERE = {"%(kind)s: %(topic)s", "Online", "Excursion", "Workshop"}


@pytest.fixture
def full(participant, active, programme):
    """A participant with something on every part of the home page."""
    make_session(programme=programme, date=days_from_today(2), expected=[participant])
    goal = make_goal(enrolment=active)
    ActionStep.objects.create(goal=goal, text="Bus", who=ActionStep.Who.PARTICIPANT)
    return make_evaluation(enrolment=active, held_on=timezone.localdate())


def _pages(evaluation):
    return ["/p/home/", "/p/sessions/", "/p/calendar/", "/p/language/",
            f"/p/evaluation/{evaluation.pk}/"]  # fmt: skip


def _visible_text(html: str) -> str:
    html = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.mark.parametrize("language", [code for code in PORTAL if code != "en"])
def test_each_page_in_each_language_leaves_no_english(participant, full, language):
    participant.portal_language = language
    participant.save()
    client, _access = portal_client_for(participant)
    english = {
        msgid
        for msgid in portal_msgids()
        if "%(" not in msgid and msgid not in SAME_EVERYWHERE and len(msgid) > 3
    }
    for url in _pages(full):
        response = client.get(url)
        html = response.content.decode()
        assert f'<html lang="{language}" dir="{"rtl" if language in RTL else "ltr"}">' in html
        text = _visible_text(html)
        left = sorted(msgid for msgid in english if msgid in text)
        assert not left, f"{url} in {language} still says {left}"


@pytest.mark.parametrize("language", PORTAL)
def test_open_pages_in_each_language(client, participant, active, language):
    _access, code = make_access(participant=participant)
    client.post("/p/language/", {"language": language})
    for url in ["/p/", "/p/language/", f"/p/{code}/", "/p/pin/"]:
        response = client.get(url, follow=True)
        assert response.status_code == 200
        assert f'<html lang="{language}"' in response.content.decode()


def test_the_recorded_language_is_the_default(participant, active):
    participant.portal_language = "ti"
    participant.save()
    client, _access = portal_client_for(participant)
    html = client.get("/p/home/").content.decode()
    assert '<html lang="ti" dir="ltr">' in html and "ዕላማታተይ" in html


def test_farsi_is_read_in_dari(participant, active):
    participant.portal_language = "fa"
    participant.save()
    client, _access = portal_client_for(participant)
    assert '<html lang="prs" dir="rtl">' in client.get("/p/home/").content.decode()


def test_the_pin_page_already_speaks_the_participants_language(client, participant, active):
    participant.portal_language = "ar"
    participant.save()
    _access, code = make_access(participant=participant)
    html = client.get(f"/p/{code}/", follow=True).content.decode()
    assert '<html lang="ar" dir="rtl">' in html and "رمزك السري" in html


def test_the_chooser_shows_each_language_in_its_own_script(portal):
    html = portal.get("/p/language/").content.decode()
    for code, name in [("ar", "العربيّة"), ("ti", "ትግርኛ"), ("prs", "دری"), ("ps", "پښتو"),
                       ("uk", "Українська"), ("nl", "Nederlands"), ("fr", "Français")]:  # fmt: skip
        assert f'lang="{code}"' in html and name in html


def test_choosing_a_language_keeps_it_on_this_phone(portal):
    response = portal.post("/p/language/", {"language": "uk", "next": "/p/sessions/"})
    assert response.url == "/p/sessions/"
    assert '<html lang="uk"' in portal.get("/p/home/").content.decode()
    # An unknown language or an outside address are ignored.
    response = portal.post("/p/language/", {"language": "xx", "next": "https://evil.example/"})
    assert response.url == "/p/home/"
    assert '<html lang="uk"' in portal.get("/p/home/").content.decode()


def test_dates_in_the_format_of_the_language(participant, active, programme):
    session = make_session(programme=programme, date=days_from_today(2), expected=[participant])
    participant.portal_language = "ti"
    participant.save()
    client, _access = portal_client_for(participant)
    html = client.get("/p/home/").content.decode()
    months = ["ጥሪ", "ለካቲት", "መጋቢት", "ሚያዝያ", "ግንቦት", "ሰነ", "ሓምለ", "ነሓሰ", "መስከረም",
              "ጥቅምቲ", "ሕዳር", "ታሕሳስ"]  # fmt: skip
    assert f"{session.date.day} {months[session.date.month - 1]} {session.date.year}" in html
    assert "09:00 – 12:00" in html


def test_staff_pages_offer_only_the_staff_languages(coach_client):
    html = coach_client.get("/participants/").content.decode()
    switch = html[html.index('class="language-switch"') :]
    switch = switch[: switch.index("</form>")]
    assert re.findall(r'<option value="(\w+)"', switch) == ["fr", "nl", "en"]


def test_staff_pages_never_speak_a_portal_only_language(coach_client):
    response = coach_client.get("/participants/", HTTP_ACCEPT_LANGUAGE="ar, nl;q=0.8")
    assert '<html lang="nl"' in response.content.decode()
    response = coach_client.get("/participants/", HTTP_ACCEPT_LANGUAGE="ti")
    assert f'<html lang="{settings.LANGUAGE_CODE}"' in response.content.decode()


@pytest.mark.parametrize("language", ["ar", "prs", "ps"])
def test_day_first_dates_and_a_24_hour_clock_in_arabic_dari_and_pashto(language):
    import datetime

    from django.utils import formats, translation

    moment = datetime.datetime(2026, 12, 7, 17, 5)
    with translation.override(language):
        assert formats.date_format(moment, "SHORT_DATETIME_FORMAT") == "07/12/2026 17:05"
        assert formats.date_format(moment.date(), "SHORT_DATE_FORMAT") == "07/12/2026"
        assert formats.time_format(moment.time(), "TIME_FORMAT") == "17:05"


@pytest.mark.parametrize("language", PORTAL)
def test_every_portal_language_writes_times_on_a_24_hour_clock(language):
    import datetime

    from django.utils import formats, translation

    with translation.override(language):
        assert "17" in formats.time_format(datetime.time(17, 5), "TIME_FORMAT")
