"""Every message the participant can meet on the portal, read from the source: the portal's
own templates and code, and the few strings of the apps below it that its pages show (session
kinds, outcome domains and levels, the calendar's event texts). Used by the translation test."""

import ast
import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
# The coach's pages of the portal app speak the staff languages only.
STAFF_TEMPLATES = {
    "staff_access.html",
    "staff_handout.html",
    "staff_translate.html",
    "_participant_panel.html",
}
STAFF_CODE = {"staff_views.py", "admin.py", "apps.py", "models.py"}

TRANSLATE = re.compile(r"""\{%\s*translate\s+(?:"([^"]*)"|'([^']*)')""")
UNDERSCORE = re.compile(r"""_\((?:"([^"]*)"|'([^']*)')\)""")
BLOCK = re.compile(r"\{%\s*blocktranslate\b[^%]*%\}(.*?)\{%\s*endblocktranslate\s*%\}", re.S)
VARIABLE = re.compile(r"\{\{\s*(\w+)\s*\}\}")
GETTEXT = {"_", "gettext", "gettext_lazy"}


def template_msgids(text: str) -> set[str]:
    found = {a or b for a, b in TRANSLATE.findall(text)}
    found |= {a or b for a, b in UNDERSCORE.findall(text)}
    found |= {VARIABLE.sub(r"%(\1)s", body) for body in BLOCK.findall(text)}
    return found


def python_msgids(text: str) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(text)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in GETTEXT
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            found.add(node.args[0].value)
    return found


def borrowed_msgids() -> set[str]:
    """Strings of lower apps that portal pages and the participant's calendar show."""
    from programme import outcomes
    from sessions import feeds, models, sms

    found = {str(domain.name._args[0]) for domain in outcomes.DOMAINS}
    found |= {str(name._args[0]) for name in outcomes.LEVEL_NAMES.values()}
    found |= {str(name._args[0]) for name in models.DEFAULT_KINDS.values()}
    found |= {label._args[0] for label in (c.label for c in models.Place)}
    # The participant's calendar events (sessions/feeds.py: _event and the feed's name).
    source = Path(feeds.__file__).read_text()
    found |= {
        msgid
        for msgid in python_msgids(source)
        if msgid
        in {
            "%(kind)s: %(topic)s",
            "Group: %(name)s",
            "What to bring: %(things)s",
            "Cancelled: %(title)s",
            "This session is cancelled.",
            "Sessions · %(organisation)s",
        }
    }
    # The text messages (sessions/sms.py), all for the participant, and what the phone shows
    # when "I can't come" is refused (sessions.services.absence_propose).
    found |= python_msgids(Path(sms.__file__).read_text())
    found |= {"This session cannot be changed here.", "Your coach already knows."}
    return found


def portal_msgids() -> set[str]:
    found = set()
    for path in (ROOT / "templates" / "portal").glob("*.html"):
        if path.name not in STAFF_TEMPLATES:
            found |= template_msgids(path.read_text())
    for path in (ROOT / "portal").glob("*.py"):
        if path.name not in STAFF_CODE:
            found |= python_msgids(path.read_text())
    return found | borrowed_msgids()


# Date names for the languages Django has no catalogue of: the portal's dates spell them.
DATE_NAMES = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
]  # fmt: skip
