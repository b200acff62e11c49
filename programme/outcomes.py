"""The outcome domains evaluations score, each on a four-level scale with a plain definition
of every level, so two coaches (and the participant) score alike.

The catalogue lives in code rather than in the database so every definition is translated with
the rest of the application; a programme chooses which domains it scores
(`Programme.outcome_domains`).
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

LEVELS = (1, 2, 3, 4)
LEVEL_NAMES = {
    1: _("Not yet"),
    2: _("With a lot of help"),
    3: _("With a little help"),
    4: _("On my own"),
}


@dataclass(frozen=True)
class Domain:
    code: str
    name: Promise
    levels: tuple[Promise, Promise, Promise, Promise]  # definitions of levels 1 to 4

    def definition(self, level: int) -> Promise:
        return self.levels[level - 1]


DOMAINS = [
    Domain(
        "oral_language",
        _("Speaking and understanding the national language"),
        (
            _("Understands and says only a few words."),
            _("Manages simple, familiar exchanges when the other person speaks slowly."),
            _("Follows and takes part in everyday conversations, with some effort."),
            _("Handles everyday situations and appointments without help."),
        ),
    ),
    Domain(
        "written_language",
        _("Reading and writing the national language"),
        (
            _("Does not yet read or write in the national language."),
            _("Reads and writes single words and fills in name and address."),
            _("Reads short everyday texts and writes a short message."),
            _("Reads letters from services and answers them in writing."),
        ),
    ),
    Domain(
        "social_network",
        _("Social network"),
        (
            _("Has hardly anyone to turn to in Belgium."),
            _("Knows a few people, mostly from their own community."),
            _("Has regular contacts, also outside their own community."),
            _("Has a network to ask for help and to go out with."),
        ),
    ),
    Domain(
        "social_skills",
        _("Social skills and communication"),
        (
            _("Finds it hard to join in with a group or to say what they need."),
            _("Joins in when invited; says what they need when asked."),
            _("Takes part in group work and says what they think."),
            _("Takes initiative in a group and handles disagreements calmly."),
        ),
    ),
    Domain(
        "activation",
        _("Activation: taking part in society"),
        (
            _("Rarely leaves home apart from appointments."),
            _("Takes part in activities that the programme organises."),
            _("Takes part in activities outside the programme, such as volunteering."),
            _("Takes part regularly and on their own initiative: work, training or volunteering."),
        ),
    ),
    Domain(
        "digital_skills",
        _("Digital skills (smartphone, computer, e-mail, internet)"),
        (
            _("Uses a phone only for calls."),
            _("Uses messaging apps and takes photos."),
            _("Sends e-mails, searches the internet and uses a computer with some help."),
            _("Uses online public services (itsme, bank app, forms) on their own."),
        ),
    ),
    Domain(
        "autonomy",
        _("Autonomy in daily life"),
        (
            _("Needs someone to come along for most appointments and paperwork."),
            _("Goes to appointments alone once they are prepared together."),
            _("Arranges most appointments and paperwork, asking for help now and then."),
            _("Arranges their own affairs and knows where to turn."),
        ),
    ),
    Domain(
        "self_confidence",
        _("Self-confidence"),
        (
            _("Doubts they can learn or change anything."),
            _("Believes they can do small things with support."),
            _("Trusts their own abilities in familiar situations."),
            _("Makes plans and tries new things with confidence."),
        ),
    ),
    Domain(
        "wellbeing",
        _("Health and well-being"),
        (
            _("Health or worries get in the way of almost everything."),
            _("Health or worries often keep them from taking part."),
            _("Health or worries sometimes get in the way, and they know where to get care."),
            _("Feels well enough to take part fully; looks after their own health."),
        ),
    ),
]
BY_CODE = {domain.code: domain for domain in DOMAINS}
CHOICES = [(domain.code, domain.name) for domain in DOMAINS]


def default_domains() -> list[str]:
    return [domain.code for domain in DOMAINS]
