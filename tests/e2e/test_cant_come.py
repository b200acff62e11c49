""" "I can't come" in a real browser: on a phone with JavaScript off, the participant picks a
reason from the pictures and sends it; the coach confirms it on Today; the phone then says the
coach knows. The page is checked with axe-core in Arabic, its tap targets measured (with
JavaScript on: axe and the measure run in the page).
Screenshots land in test-artifacts/e2e/."""

import re

import pytest
from playwright.sync_api import expect

from sessions.models import AbsenceNotice, Attendance
from tests.e2e.conftest import PASSWORD, artifact
from tests.e2e.test_portal import (  # noqa: F401 - the fixture is used by name
    SMALL_PHONE,
    fits,
    no_axe_violations,
    phone,
    selam,
    tap_targets_are_large,
)
from tests.portal.factories import make_access

pytestmark = pytest.mark.browser


def test_i_cant_come_reaches_the_coach_without_javascript(browser, live_server, page, selam):  # noqa: F811
    _access, code = make_access(participant=selam, by=selam.coach)
    context = phone(browser, live_server, java_script_enabled=False)
    context.set_default_timeout(20_000)  # two browsers at once on a busy machine
    page.set_default_timeout(20_000)
    mobile = context.new_page()
    mobile.goto(f"/p/{code}")
    mobile.locator("input[type=password]").fill("2580")
    mobile.locator("button[type=submit]").click()
    expect(mobile).to_have_url(re.compile("/p/home/$"))

    mobile.get_by_role("link", name=re.compile("Je ne peux pas venir")).click()
    expect(mobile.locator("h1")).to_contain_text("Je ne peux pas venir")
    mobile.locator("button[type=submit]").click()  # no reason chosen
    expect(mobile.locator("[role=alert]")).to_contain_text("Choisissez une raison.")
    mobile.get_by_text("Pas de transport").click()
    mobile.screenshot(path=artifact("cant-come", "1-reasons-fr"), full_page=True)
    mobile.locator("button[type=submit]").click()
    expect(mobile).to_have_url(re.compile("/p/home/$"))
    expect(mobile.locator("main")).to_contain_text("Envoyé à votre coach.")
    assert AbsenceNotice.objects.get().reason == "transport"

    page.goto("/accounts/login/")
    page.get_by_label("User name").fill("lea.dumont")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto("/today/")
    expect(page.locator("main")).to_contain_text("proposed excused absence")
    page.screenshot(path=artifact("cant-come", "2-today"), full_page=True)
    page.get_by_role("button", name=re.compile("Confirm")).click()
    expect(page.locator("main")).to_contain_text("Excused absence recorded for Selam Haile.")
    assert Attendance.objects.get().status == Attendance.Status.EXCUSED

    mobile.goto("/p/home/")
    expect(mobile.locator("main")).to_contain_text("Votre coach sait que vous ne pouvez pas venir.")
    mobile.screenshot(path=artifact("cant-come", "3-known-fr"), full_page=True)
    context.close()


def test_the_reasons_in_arabic_on_a_small_phone(browser, live_server, selam):  # noqa: F811
    selam.portal_language = "ar"
    selam.save()
    _access, code = make_access(participant=selam, by=selam.coach)
    context = phone(browser, live_server, viewport=SMALL_PHONE)
    context.set_default_timeout(20_000)
    mobile = context.new_page()
    mobile.goto(f"/p/{code}")
    mobile.locator("input[type=password]").fill("2580")
    mobile.locator("button[type=submit]").click()
    expect(mobile).to_have_url(re.compile("/p/home/$"))

    mobile.get_by_role("link", name=re.compile("لا أستطيع الحضور")).click()
    expect(mobile.locator("html")).to_have_attribute("dir", "rtl")
    fits(mobile, SMALL_PHONE["width"])
    no_axe_violations(mobile)
    tap_targets_are_large(mobile)
    mobile.screenshot(path=artifact("cant-come", "4-reasons-ar"), full_page=True)
    context.close()
