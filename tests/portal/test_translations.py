"""Every message of the portal is translated into each portal language, with its placeholders,
and the committed .mo files match the .po files. French and Dutch are checked by
tests/test_translations.py with the rest of the application."""

import gettext
from pathlib import Path

import pytest
from django.conf import settings

from tests.portal.catalogue import DATE_NAMES, portal_msgids
from tests.test_translations import PLACEHOLDER, read_po

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
STAFF = {code for code, _name in settings.STAFF_LANGUAGES}
PORTAL_ONLY = [code for code, _name in settings.PORTAL_LANGUAGES if code not in STAFF]
DJANGO_LOCALE = Path(__import__("django").__file__).parent / "conf" / "locale"


def test_the_portal_speaks_at_least_seven_languages():
    codes = [code for code, _name in settings.PORTAL_LANGUAGES]
    assert {"fr", "nl", "en", "ar"} <= set(codes) and len(codes) >= 7


@pytest.mark.parametrize("language", PORTAL_ONLY)
def test_every_portal_message_is_translated(language):
    po = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
    catalog, sources, fuzzy = read_po(po)
    wanted = portal_msgids()
    if not (DJANGO_LOCALE / language).exists():
        # Django has no catalogue for this language: the portal's dates need these names.
        wanted |= set(DATE_NAMES)
    missing = sorted(msgid for msgid in wanted if not catalog.get(msgid, "").strip())
    assert not missing, f"untranslated in {po}: {missing}"
    assert not [msgid for msgid in fuzzy if msgid in wanted], f"fuzzy entries in {po}"
    wrong = [
        msgid
        for msgid in wanted
        if sorted(PLACEHOLDER.findall(catalog[msgid])) != sorted(PLACEHOLDER.findall(msgid))
    ]
    assert not wrong, f"placeholders differ from the source in {po}: {wrong}"
    with open(po.with_suffix(".mo"), "rb") as mo:
        compiled = dict(gettext.GNUTranslations(mo)._catalog)
    compiled.pop("", None)
    assert compiled == catalog, f"{po.with_suffix('.mo')} is out of date: compile it again"
