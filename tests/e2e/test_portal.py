"""The participant's phone, in a real browser: a coach hands out a code, the participant opens
it on a phone-sized screen, chooses a PIN, reads their home page, ticks off a step and answers
with the faces; every portal page is checked with axe-core (WCAG 2.1 AA) in French and in
Arabic, at 320 and 360 pixels wide; the home page stays readable with JavaScript off and,
on the person's own phone, offline.

axe-core comes from npm (package.json) and is vendored in tests/e2e/vendor/ for the tests
only: it is never served to users. Screenshots land in test-artifacts/e2e/.
"""

import datetime
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from evaluations.models import DomainScore, Evaluation
from programme.models import Programme, Room, Site
from tests.e2e.conftest import PASSWORD, artifact
from tests.factories import make_enrolment, make_participant
from tests.sessions.factories import get_kind, make_session
from trajectory.models import ActionStep

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE = {"width": 360, "height": 740}
SMALL_PHONE = {"width": 320, "height": 640}


@pytest.fixture
def selam(namur, lea):
    """On Léa's caseload, in Cap Avenir, with a session coming, a plan and a fresh evaluation."""
    site = Site.objects.create(
        organisation=namur, name="Antenne Bomel", address="Rue Bomel 5, Namur"
    )
    room = Room.objects.create(site=site, name="Salle Meuse", capacity=12)
    programme = Programme.objects.create(
        organisation=namur, name="Cap Avenir", code="cap-avenir",
        starts_on=datetime.date(2025, 1, 1),
    )  # fmt: skip
    person = make_participant(
        organisation=namur, coach=lea, first_name="Selam", last_name="Haile",
        portal_language="fr", interpreter_language="ti",
    )  # fmt: skip
    enrolment = make_enrolment(
        participant=person, programme=programme, coach=lea, status="active",
        started_on=timezone.localdate() - datetime.timedelta(weeks=8),
    )  # fmt: skip
    session = make_session(
        programme=programme, date=timezone.localdate() + datetime.timedelta(days=2),
        kind=get_kind("information_session"), topic="Budget", room=room,
        bring="Carte d'identité", facilitators=[lea], expected=[person],
    )  # fmt: skip
    session.interpreters.create(language="ti", status="confirmed")
    goal = enrolment.goals.create(text="Aller seule à la commune")
    ActionStep.objects.create(goal=goal, text="Prendre le bus 4", who=ActionStep.Who.PARTICIPANT)
    ActionStep.objects.create(goal=goal, text="Préparer les papiers", who=ActionStep.Who.TOGETHER)
    evaluation = Evaluation.objects.create(
        enrolment=enrolment, kind="midway", held_on=timezone.localdate(), evaluated_by=lea
    )
    DomainScore.objects.create(evaluation=evaluation, domain="oral_language", coach_score=2)
    return person


def phone(browser, live_server, viewport=PHONE, **options):
    context = browser.new_context(
        base_url=live_server.url, viewport=viewport, locale="fr-BE", has_touch=True,
        is_mobile=True,
        # axe-core is injected as an inline script, which the pages' own policy forbids.
        bypass_csp=True, **options,
    )  # fmt: skip
    context.set_default_timeout(5_000)
    return context


def no_axe_violations(page: Page) -> None:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA
    )
    violations = [
        (v["id"], v["help"], [node["target"] for node in v["nodes"]][:3])
        for v in result["violations"]
    ]
    assert not violations, f"{page.url}: {violations}"


def fits(page: Page, width: int) -> None:
    """Nothing wider than the screen: no sideways scrolling on a small phone."""
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


def tap_targets_are_large(page: Page) -> None:
    """Every link, button and choice card a thumb must hit: at least 44 by 44 CSS pixels,
    measured."""
    small = page.evaluate(
        """() => [...document.querySelectorAll(
                'header a, main a, main button, footer button, main label.choice-card')]
            .filter((el) => el.offsetParent !== null)
            .map((el) => [el.textContent.trim().slice(0, 40), el.getBoundingClientRect()])
            .filter(([, box]) => box.width < 44 || box.height < 44)
            .map(([name, box]) => `${name} ${Math.round(box.width)}x${Math.round(box.height)}`)"""
    )
    assert not small, f"{page.url}: {small}"


def coach_hands_out_a_code(page: Page, selam) -> str:
    page.goto("/accounts/login/")
    page.get_by_label("User name").fill("lea.dumont")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"/participants/{selam.pk}/")
    page.get_by_role("link", name=re.compile("Hand out, print or revoke")).click()
    page.get_by_label("Phone number the participant can call").fill("081 24 86 00")
    page.get_by_role("button", name="Make the code and print the paper").click()
    expect(page.locator(".portal-qr svg")).to_be_visible()
    page.screenshot(path=artifact("portal", "0-handout"), full_page=True)
    code = page.locator(".portal-code strong").inner_text().replace(" ", "")
    assert len(code) == 12
    return code


def test_participant_opens_the_portal_on_a_phone(browser, live_server, page, selam):
    code = coach_hands_out_a_code(page, selam)
    context = phone(browser, live_server)
    mobile = context.new_page()

    mobile.goto(f"/p/{code}")
    expect(mobile.locator("html")).to_have_attribute("lang", "fr")
    no_axe_violations(mobile)
    mobile.screenshot(path=artifact("portal", "1-choose-pin-fr"), full_page=True)
    pins = mobile.locator("input[type=password]")
    pins.nth(0).fill("2580")
    pins.nth(1).fill("2581")
    mobile.locator("button[type=submit]").click()
    no_axe_violations(mobile)  # the page with its error message
    pins.nth(0).fill("2580")
    pins.nth(1).fill("2580")
    mobile.locator("label.choice-card", has=mobile.locator("input[value=on]")).click()
    mobile.locator("button[type=submit]").click()
    expect(mobile).to_have_url(re.compile("/p/home/$"))

    home = mobile.locator("main")
    expect(home).to_contain_text("Budget")
    expect(home).to_contain_text("Salle Meuse")
    expect(home).to_contain_text("Carte d'identité")
    expect(mobile.locator('a[href^="tel:"]')).to_have_count(1)
    fits(mobile, PHONE["width"])
    no_axe_violations(mobile)
    tap_targets_are_large(mobile)
    mobile.screenshot(path=artifact("portal", "2-home-fr"), full_page=True)

    # A step that is hers alone: one tap.
    mobile.locator("form[action*='/done/'] button").click()
    expect(mobile.locator(".note.success")).to_be_visible()
    assert ActionStep.objects.get(text="Prendre le bus 4").done_by_participant

    for url in ["/p/sessions/", "/p/calendar/", "/p/language/"]:
        mobile.goto(url)
        fits(mobile, PHONE["width"])
        no_axe_violations(mobile)
    mobile.goto("/p/sessions/")
    tap_targets_are_large(mobile)
    evaluation = Evaluation.objects.get()
    mobile.goto(f"/p/evaluation/{evaluation.pk}/")
    no_axe_violations(mobile)
    mobile.locator("label.face-3").first.click()
    mobile.screenshot(path=artifact("portal", "3-faces-fr"), full_page=True)
    mobile.locator("form button[type=submit]").click()
    expect(mobile).to_have_url(re.compile("/p/home/$"))
    assert DomainScore.objects.get().participant_score == 3

    mobile.goto("/p/calendar/")
    mobile.locator("main form button").click()  # the subscription link, once made
    expect(mobile.locator("main a[href^='webcal:']")).to_be_visible()
    no_axe_violations(mobile)
    mobile.goto("/p/home/")
    mobile.locator("form[action$='/signout/'] button").click()
    expect(mobile).to_have_url(re.compile("/p/$"))
    no_axe_violations(mobile)
    mobile.goto("/p/AAAABBBBCCCC")
    no_axe_violations(mobile)
    context.close()


def test_every_page_in_arabic_right_to_left_on_a_small_phone(browser, live_server, selam):
    from tests.portal.factories import make_access

    selam.portal_language = "ar"
    selam.save()
    _access, code = make_access(participant=selam, by=selam.coach)
    context = phone(browser, live_server, viewport=SMALL_PHONE)
    mobile = context.new_page()
    mobile.goto(f"/p/{code}")
    expect(mobile.locator("html")).to_have_attribute("dir", "rtl")
    no_axe_violations(mobile)
    mobile.screenshot(path=artifact("portal", "4-pin-ar"), full_page=True)
    mobile.locator("input[type=password]").fill("2580")
    mobile.locator("button[type=submit]").click()
    expect(mobile).to_have_url(re.compile("/p/home/$"))
    expect(mobile.locator("h2").first).to_contain_text("كيف حالك؟")
    evaluation = Evaluation.objects.get()
    for name, url in [("home", "/p/home/"), ("sessions", "/p/sessions/"),
                      ("calendar", "/p/calendar/"), ("language", "/p/language/"),
                      ("faces", f"/p/evaluation/{evaluation.pk}/")]:  # fmt: skip
        mobile.goto(url)
        expect(mobile.locator("html")).to_have_attribute("lang", "ar")
        fits(mobile, SMALL_PHONE["width"])
        no_axe_violations(mobile)
        if name in ("home", "sessions"):
            tap_targets_are_large(mobile)
        mobile.screenshot(path=artifact("portal", f"5-{name}-ar"), full_page=True)
    # The headings' pictograms sit on the right, where an Arabic reader starts.
    box = mobile.locator("h1 svg").first.bounding_box()
    assert box["x"] > SMALL_PHONE["width"] / 2
    mobile.goto("/p/home/")
    mobile.locator("form[action$='/signout/'] button").click()
    expect(mobile).to_have_url(re.compile("/p/$"))
    no_axe_violations(mobile)
    mobile.goto("/p/AAAABBBBCCCC")
    no_axe_violations(mobile)
    context.close()


def test_home_reads_without_javascript(browser, live_server, selam):
    from tests.portal.factories import make_access

    _access, code = make_access(participant=selam, by=selam.coach)
    context = phone(browser, live_server, java_script_enabled=False)
    mobile = context.new_page()
    mobile.goto(f"/p/{code}")
    mobile.locator("input[type=password]").fill("2580")
    mobile.locator("button[type=submit]").click()
    expect(mobile.locator("main")).to_contain_text("Budget")
    mobile.locator("form[action*='/done/'] button").click()
    expect(mobile.locator(".note.success")).to_be_visible()
    context.close()


def own_phone_with_saved_home(browser, live_server, selam):
    """Selam's own phone, signed in, its home page saved by the service worker."""
    from tests.portal.factories import make_access

    access, code = make_access(participant=selam, by=selam.coach)
    context = phone(browser, live_server)
    # The service worker's first install is slow on a busy machine.
    context.set_default_timeout(20_000)
    mobile = context.new_page()
    mobile.goto(f"/p/{code}")
    mobile.locator("input[type=password]").fill("2580")
    mobile.locator("label.choice-card", has=mobile.locator("input[value=on]")).click()
    mobile.locator("button[type=submit]").click()
    expect(mobile).to_have_url(re.compile("/p/home/$"))
    mobile.evaluate("navigator.serviceWorker.ready.then(() => true)")
    mobile.reload()
    mobile.wait_for_function("navigator.serviceWorker.controller !== null")
    mobile.reload()
    mobile.wait_for_function(
        "caches.open('parcours-portal-v2').then(c => c.match('/p/offline/')).then(Boolean)"
    )
    return access, context, mobile


def test_the_home_page_stays_readable_offline_on_the_own_phone(browser, live_server, selam):
    _access, context, mobile = own_phone_with_saved_home(browser, live_server, selam)
    expect(mobile.locator("[data-offline]")).to_be_hidden()

    context.set_offline(True)
    mobile.reload()
    expect(mobile.locator("[data-offline]")).to_be_visible()
    expect(mobile.locator("main")).to_contain_text("Budget")
    mobile.screenshot(path=artifact("portal", "6-offline-fr"), full_page=True)
    context.close()


def test_a_revoked_code_leaves_nothing_on_the_phone_once_online(browser, live_server, selam):
    from portal.services import portal_access_revoke

    access, context, mobile = own_phone_with_saved_home(browser, live_server, selam)
    # The phone is lost, offline; the coach revokes the code.
    context.set_offline(True)
    mobile.reload()
    expect(mobile.locator("main")).to_contain_text("Budget")
    portal_access_revoke(access=access, by=selam.coach)
    # Back online: the phone asks, is told no, drops the copy and leaves the page.
    context.set_offline(False)
    expect(mobile).to_have_url(re.compile("/p/$"))
    context.set_offline(True)
    mobile.goto("/p/home/")
    expect(mobile.locator("main")).to_contain_text("Vous êtes hors ligne")
    for personal in ["Budget", "Selam", "Prendre le bus", "081", "Salle Meuse"]:
        expect(mobile.locator("body")).not_to_contain_text(personal)
    mobile.goto("/p/sessions/")
    expect(mobile.locator("main")).to_contain_text("n’est pas enregistrée sur ce téléphone")
    no_axe_violations(mobile)
    mobile.screenshot(path=artifact("portal", "7-offline-after-revoke-fr"), full_page=True)
    context.close()


def test_a_saved_copy_older_than_14_days_is_not_shown(browser, live_server, selam):
    _access, context, mobile = own_phone_with_saved_home(browser, live_server, selam)
    context.set_offline(True)
    # Fifteen days later, never online since.
    mobile.evaluate(
        """async () => {
            const cache = await caches.open('parcours-portal-v2');
            const saved = await cache.match('/p/home/');
            const headers = new Headers(saved.headers);
            headers.set('x-portal-saved', String(Date.now() - 15 * 24 * 3600 * 1000));
            await cache.put('/p/home/', new Response(await saved.blob(), {headers}));
        }"""
    )
    mobile.reload()
    expect(mobile.locator("main")).to_contain_text("n’est pas enregistrée sur ce téléphone")
    expect(mobile.locator("body")).not_to_contain_text("Budget")
    context.close()


def test_the_home_page_opens_quickly_on_slow_3g(browser, live_server, selam):
    """Chrome's "Slow 3G" profile: 400 ms round trips, about 50 KB a second."""
    from tests.portal.factories import make_access

    _access, code = make_access(participant=selam, by=selam.coach)
    context = phone(browser, live_server)
    mobile = context.new_page()
    mobile.goto(f"/p/{code}")
    mobile.locator("input[type=password]").fill("2580")
    cdp = context.new_cdp_session(mobile)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 400, "downloadThroughput": 50_000,
         "uploadThroughput": 50_000},
    )  # fmt: skip
    mobile.locator("button[type=submit]").click()
    expect(mobile).to_have_url(re.compile("/p/home/$"))
    mobile.reload(wait_until="load")
    seconds = mobile.evaluate(
        "() => { const t = performance.getEntriesByType('navigation')[0];"
        " return (t.loadEventEnd - t.startTime) / 1000; }"
    )
    assert seconds < 5, f"home page took {seconds:.1f} s on slow 3G"
    context.close()


def test_first_use_without_reading_show_pin_tries_left_and_undo(browser, live_server, selam):
    """The two pictured phone choices and the eye are large enough to hit; the eye shows the
    PIN and hides it again; a wrong PIN says how many tries are left; "I did it" can be
    undone at once."""
    from tests.portal.factories import make_access

    _access, code = make_access(participant=selam, by=selam.coach, pin=None)
    context = phone(browser, live_server)
    mobile = context.new_page()
    mobile.goto(f"/p/{code}")
    pin = mobile.locator("#id_pin")
    pin.fill("2580")
    eye = mobile.locator("[data-show-pin=id_pin]")
    expect(eye).to_be_visible()
    expect(eye).to_have_accessible_name("Afficher le code PIN")
    eye.click()
    expect(pin).to_have_attribute("type", "text")
    expect(eye).to_have_attribute("aria-pressed", "true")
    eye.click()
    expect(pin).to_have_attribute("type", "password")
    mobile.locator("#id_pin_again").fill("2580")
    expect(mobile.locator("label.choice-card")).to_have_count(2)
    tap_targets_are_large(mobile)
    no_axe_violations(mobile)
    mobile.get_by_text("Mon propre téléphone").click()
    expect(mobile.locator("input[value=on]")).to_be_checked()
    mobile.screenshot(path=artifact("portal", "8-first-use-fr"), full_page=True)
    mobile.locator("button[type=submit]").click()
    expect(mobile).to_have_url(re.compile("/p/home/$"))

    # "I did it", then undo: the step is to do again.
    mobile.get_by_role("button", name=re.compile("Je l’ai fait — .*Prendre le bus 4")).click()
    undo = mobile.get_by_role("button", name=re.compile("Annuler — .*Prendre le bus 4"))
    expect(undo).to_be_visible()
    tap_targets_are_large(mobile)
    no_axe_violations(mobile)
    mobile.screenshot(path=artifact("portal", "9-undo-fr"), full_page=True)
    undo.click()
    expect(mobile.locator(".note.success")).to_contain_text("Annulé")
    step = ActionStep.objects.get(text="Prendre le bus 4")
    assert step.status == "todo" and not step.done_by_participant

    # A wrong PIN on the next visit: how many tries are left before a pause.
    mobile.locator("form[action$='/signout/'] button").click()
    mobile.goto(f"/p/{code}")
    mobile.locator("#id_pin").fill("1357")
    mobile.locator("button[type=submit]").click()
    expect(mobile.locator("main")).to_contain_text("Essais restants avant une pause : 2.")
    no_axe_violations(mobile)
    context.close()


def test_the_sprite_and_the_eye_work_under_the_pages_own_security_policy(
    browser, live_server, selam
):
    """Without bypassing the Content-Security-Policy: the eye's script runs and the icons
    drawn from the sprite file have a size (an icon the policy refused would have none)."""
    from tests.portal.factories import make_access

    _access, code = make_access(participant=selam, by=selam.coach, pin=None)
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, locale="fr-BE")
    context.set_default_timeout(5_000)
    mobile = context.new_page()
    mobile.goto(f"/p/{code}")
    expect(mobile.locator("[data-show-pin=id_pin]")).to_be_visible()
    drawn = mobile.evaluate(
        "() => [...document.querySelectorAll('h1 svg use')].map(u => u.getBBox().width)"
    )
    assert drawn and all(width > 0 for width in drawn), drawn
    context.close()
