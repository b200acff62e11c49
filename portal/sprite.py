"""The phone pages' icons as one SVG sprite (static/portal/icons.svg): every icon the portal's
templates name, and those its code picks (pictograms, session kinds, faces, outcome domains).
Built by `manage.py build_icon_sprite`, committed, served as a static file."""

import re

from django.conf import settings

from portal import content, views
from programme.templatetags.icons import sprite

PATH = settings.BASE_DIR / "static" / "portal" / "icons.svg"
TEMPLATES = settings.BASE_DIR / "templates" / "portal"
# The coach's pages of the portal app are staff pages: their icons stay inlined.
STAFF_TEMPLATES = {"staff_access.html", "staff_handout.html", "staff_translate.html",
                   "_participant_panel.html"}  # fmt: skip
NAMED = re.compile(r"""\{%\s*icon\s+["']([\w-]+)["']\s*%\}""")


def portal_icons() -> set[str]:
    names = set()
    for path in TEMPLATES.glob("*.html"):
        if path.name not in STAFF_TEMPLATES:
            names |= set(NAMED.findall(path.read_text()))
    names |= {pictogram.icon for pictogram in content.BRING.values()}
    names |= set(content.KIND_ICONS.values()) | {"calendar"}
    names |= set(views.FACES.values()) | set(views.DOMAIN_ICONS.values()) | {"circle-help"}
    return names


def build() -> str:
    return sprite(portal_icons())
