"""Staff-typed texts on the phone in the participant's language.

The coach types steps, topics, "what to bring", a placement's tasks in French or Dutch; each
can carry a version in the participant's language (portal.ContentTranslation), entered on the
"to translate" page by the coach, an interpreter or a colleague. The phone shows that version
where it exists, and the original, marked as such, where it does not. The texts stay in the
apps that own them: the portal reads them through their public models only.

Pictograms: things to bring and session kinds, each shown with its word in the person's
language (the interface's catalogue, no translation to enter)."""

import datetime
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participants.models import Participant
from portal.access import CLOSEST, portal_languages
from portal.models import BringPictograms, ContentTranslation
from programme.models import Module, Room
from sessions.models import Session
from trajectory.models import ActionStep, Goal, Placement

# What reaches the phone, per model: the fields that can carry a translation.
FIELDS: dict[type[Model], tuple[str, ...]] = {
    Goal: ("text",),
    ActionStep: ("text",),
    Session: ("topic", "bring"),
    Room: ("name",),
    Placement: ("role", "tasks", "schedule"),
    Module: ("name",),
}


@dataclass(frozen=True)
class Pictogram:
    icon: str
    label: str


# Things people are often asked to bring, each a picture and a word in their language.
BRING = {
    "id_card": Pictogram("user-check", _("Identity card")),
    "papers": Pictogram("file-text", _("Your papers and letters")),
    "notebook": Pictogram("clipboard-list", _("Notebook")),
    "pen": Pictogram("pen-line", _("Pen")),
    "phone": Pictogram("smartphone", _("Your phone")),
    "sports_shoes": Pictogram("footprints", _("Sports shoes")),
    "key": Pictogram("key-round", _("Your keys")),
}
# The picture of each kind of session; the kind's name is already in the catalogue.
KIND_ICONS = {
    "individual_coaching": "user-round",
    "intake_interview": "clipboard-list",
    "information_session": "info",
    "psychosocial_session": "heart",
    "excursion": "footprints",
    "workshop": "pen-line",
    "language_practice": "message-square-text",
    "collective_coaching": "users",
    "evaluation_interview": "clipboard-check",
}


def kind_icon(kind) -> str:
    return KIND_ICONS.get(kind.code, "calendar")


def target_language(participant: Participant) -> str | None:
    """The language the person's texts are translated into; None when the portal does not
    speak it or when it is the organisation's own (nothing to translate)."""
    language = CLOSEST.get(participant.portal_language, participant.portal_language)
    if language not in portal_languages() or language == participant.organisation.language:
        return None
    return language


@dataclass
class Text:
    """One text as the phone shows it: the translation, or the original marked as such."""

    text: str
    translated: bool
    original_language: str = ""

    def __str__(self):
        return self.text


class Translations:
    """The translations of a page's objects, read in one query."""

    def __init__(self, objects, language: str | None, original_language: str):
        self.language = language
        self.original_language = original_language
        self.found: dict[tuple[int, int, str], ContentTranslation] = {}
        if language is None:
            return
        _load_types(objects)
        by_type: dict[int, set[int]] = {}
        for obj in objects:
            by_type.setdefault(_type_id(obj), set()).add(obj.pk)
        if not by_type:
            return
        query = Q()
        for type_id, ids in by_type.items():
            query |= Q(content_type_id=type_id, object_id__in=ids)
        rows = ContentTranslation.objects.filter(query, language=language)
        self.found = {(row.content_type_id, row.object_id, row.field): row for row in rows}

    def get(self, obj, field: str) -> Text:
        original = getattr(obj, field)
        if self.language is None:
            return Text(original, translated=True)
        row = self.found.get((_type_id(obj), obj.pk, field))
        if row is not None and row.source == original:
            return Text(row.text, translated=True)
        return Text(original, translated=False, original_language=self.original_language)


def _load_types(objects) -> None:
    """Every content type of the page in one query, then read from Django's cache."""
    ContentType.objects.get_for_models(*{type(obj) for obj in objects}, for_concrete_models=False)


def _type_id(obj) -> int:
    return ContentType.objects.get_for_model(obj, for_concrete_model=False).pk


def translations_for(participant: Participant, objects) -> Translations:
    return Translations(objects, target_language(participant), participant.organisation.language)


# The coach's side: what is still untranslated ----------------------------------------------


@dataclass
class Item:
    obj: Model
    field: str
    original: str
    row: ContentTranslation | None

    @property
    def translation(self) -> str:
        return self.row.text if self.row else ""

    @property
    def outdated(self) -> bool:
        """Translated once, but the original changed since."""
        return self.row is not None and self.row.source != self.original

    @property
    def key(self) -> str:
        return f"{_type_id(self.obj)}-{self.obj.pk}-{self.field}"


UPCOMING = datetime.timedelta(days=60)
MAX_LENGTH = 2000


def phone_objects(participant: Participant) -> list[Model]:
    """Everything with staff-typed text the person's phone shows now or soon."""
    from portal import reads

    today = timezone.localdate()
    goals = reads.open_goals(participant)
    objects: list[Model] = []
    for goal in goals:
        objects.append(goal)
        objects.extend(goal.steps.all())
    sessions = list(
        Session.objects.filter(
            attendances__participant=participant,
            programme__organisation_id=participant.organisation_id,
            date__range=(today, today + UPCOMING),
        )
        .select_related("room", "group__module")
        .order_by("date", "start_time", "pk")
    )
    objects.extend(sessions)
    rooms = {session.room_id: session.room for session in sessions if session.room_id}
    objects.extend(rooms.values())
    objects.extend(reads.current_placements(participant))
    # The modules of the person's plan and those whose groups the sessions belong to (the
    # phone names a session's group by its module), each once.
    modules = {entry.module.pk: entry.module for entry in reads.my_modules(participant)}
    for session in sessions:
        if session.group_id and session.group.module_id:
            modules.setdefault(session.group.module_id, session.group.module)
    objects.extend(modules.values())
    return objects


def to_translate(participant: Participant) -> list[Item]:
    """Each text of the phone with its translation, if any: untranslated first."""
    objects = phone_objects(participant)
    translations = translations_for(participant, objects)
    language = target_language(participant)
    items = []
    for obj in objects:
        for field in FIELDS[type(obj)]:
            original = getattr(obj, field)
            own = CLOSEST.get(getattr(obj, "own_language", ""), getattr(obj, "own_language", ""))
            if isinstance(obj, Goal) and obj.text_own_language and own == language:
                continue  # written with the person in their language already
            if isinstance(obj, Placement) and field == "schedule" and obj.has_structured_schedule:
                continue  # the phone shows the days and hours, in the person's language
            if not original.strip():
                continue
            row = translations.found.get((_type_id(obj), obj.pk, field))
            items.append(Item(obj=obj, field=field, original=original, row=row))
    return sorted(items, key=lambda item: bool(item.translation) and not item.outdated)


def translations_save(*, participant: Participant, texts: dict[str, str], by) -> tuple[int, int]:
    """Record the translations typed on the "to translate" page, keyed as Item.key; an
    emptied field removes the translation. Only the person's own texts are accepted. Returns
    (saved, removed)."""
    language = target_language(participant)
    if language is None:
        return 0, 0
    too_long = [key for key, text in texts.items() if len(text.strip()) > MAX_LENGTH]
    if too_long:
        # Said on the coach's page, in the staff's language (portal.staff_views).
        raise ValidationError("translation too long", code="too_long")
    items = {item.key: item for item in to_translate(participant)}
    now = timezone.now()
    new, changed, gone = [], [], []
    for key, text in texts.items():
        item = items.get(key)
        if item is None:
            continue
        text = text.strip()
        row = item.row
        if not text:
            if row is not None:
                gone.append(row.pk)
        elif row is None:
            new.append(
                ContentTranslation(
                    content_type_id=_type_id(item.obj),
                    object_id=item.obj.pk,
                    field=item.field,
                    language=language,
                    text=text,
                    source=item.original,
                    translated_by=by,
                    translated_at=now,
                )
            )
        elif text != row.text or item.outdated:
            row.text, row.source, row.translated_by, row.translated_at = (
                text,
                item.original,
                by,
                now,
            )
            changed.append(row)
    with transaction.atomic():
        ContentTranslation.objects.filter(pk__in=gone).delete()
        ContentTranslation.objects.bulk_create(new)
        ContentTranslation.objects.bulk_update(
            changed, ["text", "source", "translated_by", "translated_at"]
        )
    return len(new) + len(changed), len(gone)


def bring_pictograms(sessions) -> dict[int, list[Pictogram]]:
    rows = BringPictograms.objects.filter(session__in=[s.pk for s in sessions])
    return {row.session_id: [BRING[code] for code in row.items if code in BRING] for row in rows}


def bring_pictograms_set(*, session: Session, items: list[str]) -> None:
    items = [code for code in BRING if code in items]
    if items:
        BringPictograms.objects.update_or_create(session=session, defaults={"items": items})
    else:
        BringPictograms.objects.filter(session=session).delete()
