"""The photo of a room's entrance: checked by its first bytes (not its name), made small
(at most 800 px wide) and stripped of its metadata (a phone's photo carries where it was
taken), then kept in the database."""

import hashlib
import io

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from programme.models import Room, RoomPhoto

MAX_UPLOAD = 5 * 1024 * 1024  # what a phone takes; made small below
MAX_STORED = 300 * 1024
MAX_WIDTH = 800
MAX_PIXELS = 40_000_000  # a few bytes can claim a huge picture; refused before decoding

# The first bytes of each kind of picture taken: Pillow's format name and the content type.
KINDS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


def sniff(head: bytes) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    return None


def prepare(upload) -> tuple[bytes, str]:
    """The bytes to keep and their content type, or a ValidationError saying what is wrong."""
    if upload.size > MAX_UPLOAD:
        raise ValidationError(_("The photo is too large: at most 5 MB."), code="too_large")
    data = upload.read()
    kind = sniff(data[:16])
    if kind is None:
        raise ValidationError(_("Send a photo in JPEG, PNG or WebP."), code="wrong_type")
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != kind or image.width * image.height > MAX_PIXELS:
                raise ValidationError(_("This photo cannot be read."), code="unreadable")
            image.load()
            if image.width > MAX_WIDTH:
                height = max(1, round(image.height * MAX_WIDTH / image.width))
                image = image.resize((MAX_WIDTH, height), Image.Resampling.LANCZOS)
            if kind == "JPEG" and image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            out = io.BytesIO()
            # Saved afresh without the original's EXIF: no place, no phone, no date.
            options = {"JPEG": {"quality": 80, "optimize": True}, "WEBP": {"quality": 80}}
            image.save(out, format=kind, **options.get(kind, {"optimize": True}))
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as error:
        raise ValidationError(_("This photo cannot be read."), code="unreadable") from error
    content = out.getvalue()
    if len(content) > MAX_STORED:
        raise ValidationError(
            _("The photo is still too large once made smaller: at most 300 KB."),
            code="too_large",
        )
    return content, KINDS[kind]


def room_photo_set(room: Room, content: bytes, content_type: str) -> None:
    with transaction.atomic():
        RoomPhoto.objects.update_or_create(
            room=room, defaults={"content": content, "content_type": content_type}
        )
        room.photo_digest = hashlib.sha256(content).hexdigest()
        Room.objects.filter(pk=room.pk).update(photo_digest=room.photo_digest)


def room_photo_remove(room: Room) -> None:
    with transaction.atomic():
        RoomPhoto.objects.filter(room=room).delete()
        room.photo_digest = ""
        Room.objects.filter(pk=room.pk).update(photo_digest="")
