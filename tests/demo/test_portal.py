"""Demo data: three people of the demo coach get a code for their phone, whose links
`manage.py demo_logins` prints."""

import io
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from demo import load as demo
from demo.portal import DEMO_PIN
from portal.models import PortalAccess

pytestmark = pytest.mark.django_db


def test_demo_people_get_a_portal_code_that_demo_logins_prints():
    counts = demo.load(today=timezone.localdate())
    assert counts["portal accesses"] == 3
    accesses = PortalAccess.objects.select_related("participant").order_by("participant_id")
    assert [a.participant.portal_language for a in accesses][:2] == ["ar", "ti"]

    out = io.StringIO()
    call_command("demo_logins", url="http://127.0.0.1:8000/", stdout=out)
    text = out.getvalue()
    assert f"PIN for all: {DEMO_PIN}" in text
    links = re.findall(r"http://127\.0\.0\.1:8000(/p/\w{12})", text)
    assert len(links) == 3

    client = Client()
    client.get(links[0])
    response = client.post("/p/pin/", {"pin": DEMO_PIN})
    assert response.status_code == 302 and response.url == "/p/home/"
    html = client.get("/p/home/").content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "أن أتكلم مع الطبيب بدون مترجم" in html


def test_the_arabic_and_tigrinya_demo_phones_show_their_texts_translated():
    """The sessions' topics, rooms and what to bring, the portal demo's steps and placement:
    in the person's script, with pictures. (The plans written by the trajectory demo are
    translated from demo.translations.)"""
    from demo.portal import TEXTS

    demo.load(today=timezone.localdate())
    out = io.StringIO()
    call_command("demo_logins", url="http://127.0.0.1:8000/", stdout=out)
    links = re.findall(r"http://127\.0\.0\.1:8000(/p/\w{12})", out.getvalue())
    for link, language in zip(links[:2], ["ar", "ti"], strict=True):
        client = Client()
        client.get(link)
        client.post("/p/pin/", {"pin": DEMO_PIN})
        html = client.get("/p/home/").content.decode() + client.get("/p/sessions/").content.decode()
        assert f'<html lang="{language}"' in html
        shown = [text for original, text in TEXTS[language].items() if original in html]
        assert not shown, f"{language}: untranslated {shown}"
        translated = [
            text for key, text in TEXTS[language].items() if key != "room" and text in html
        ]
        assert len(translated) >= 4, translated
        assert 'class="pictograms"' in html


def latin_share(html: str) -> float:
    """The share of the letters of the page's main part written in the Latin script."""
    import html as entities
    import unicodedata

    main = html[html.index("<main") : html.index("</main>")]
    main = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", main, flags=re.S)
    text = entities.unescape(re.sub(r"<[^>]+>", " ", main))
    letters = [char for char in text if char.isalpha()]
    latin = [char for char in letters if unicodedata.name(char, "").startswith("LATIN")]
    return len(latin) / len(letters)


def test_the_arabic_and_tigrinya_demo_homes_are_mostly_in_their_script():
    """Goals, steps, topics, what to bring and the placement translated: what stays in Latin
    letters is names (people, places, the group) and addresses."""
    demo.load(today=timezone.localdate())
    out = io.StringIO()
    call_command("demo_logins", url="http://127.0.0.1:8000/", stdout=out)
    links = re.findall(r"http://127\.0\.0\.1:8000(/p/\w{12})", out.getvalue())
    for link, language, most in zip(links[:2], ["ar", "ti"], [0.25, 0.30], strict=True):
        client = Client()
        client.get(link)
        client.post("/p/pin/", {"pin": DEMO_PIN})
        html = client.get("/p/home/").content.decode()
        assert f'<html lang="{language}"' in html
        assert latin_share(html) < most, f"{language}: {latin_share(html):.0%} Latin letters"
        assert "(not translated)" not in html and 'class="original"' not in html
        assert 'class="pictograms"' in html
