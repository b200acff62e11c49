"""The French and Dutch catalogues are complete, and the committed .mo files were compiled from
the current .po files (docs/decisions/0005-compiled-translations.md). After changing a source
string, run `make messages`, translate what is new and commit both files."""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def read_po(path: Path) -> tuple[dict, dict, list]:
    """The catalogue as gettext stores it (msgid, or (msgid, n) for a plural form -> msgstr),
    the source text of each key, and the msgids flagged fuzzy. Obsolete (#~) entries are
    skipped, as msgfmt does."""
    catalog, sources, fuzzy = {}, {}, []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        fields, key = {}, None
        for line in block.splitlines():
            if line.startswith(("msg", '"')):
                if not line.startswith('"'):
                    key, _, line = line.partition(" ")
                fields[key] = fields.get(key, "") + ast.literal_eval(line)
        if "msgid" not in fields:
            continue
        msgid = fields["msgid"]
        if "msgctxt" in fields:
            msgid = f"{fields['msgctxt']}\x04{msgid}"
        if re.search(r"^#,.*\bfuzzy\b", block, re.MULTILINE):
            fuzzy.append(msgid)
        for field, text in fields.items():
            if field == "msgstr":
                catalog[msgid], sources[msgid] = text, fields["msgid"]
            elif field.startswith("msgstr["):
                n = int(field[7:-1])
                catalog[(msgid, n)] = text
                sources[(msgid, n)] = fields["msgid_plural" if n else "msgid"]
    del catalog[""], sources[""]  # the header
    return catalog, sources, fuzzy


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_catalogue_is_complete_and_compiled(language):
    po = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
    catalog, sources, fuzzy = read_po(po)
    assert catalog, f"{po} has no messages"

    assert not fuzzy, f"fuzzy entries in {po}: {fuzzy}"
    untranslated = [key for key, text in catalog.items() if not text.strip()]
    assert not untranslated, f"untranslated in {po}: {untranslated}"
    # A translation that drops or renames a %(name)s placeholder breaks the page at run time.
    wrong = [
        key
        for key, text in catalog.items()
        if sorted(PLACEHOLDER.findall(text)) != sorted(PLACEHOLDER.findall(sources[key]))
    ]
    assert not wrong, f"placeholders differ from the source in {po}: {wrong}"

    with open(po.with_suffix(".mo"), "rb") as mo:
        compiled = dict(gettext.GNUTranslations(mo)._catalog)
    compiled.pop("", None)
    assert compiled == catalog, f"{po.with_suffix('.mo')} is out of date: run `make messages`"
