"""The coach's side: hand out, print and revoke the personal code of a participant's phone."""

import segno
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language_info, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from participants.access import get_participant
from portal import content
from portal.access import CLOSEST, portal_languages
from portal.models import PortalAccess
from portal.services import (
    format_code,
    portal_access_issue,
    portal_access_revoke,
    previous_contact_phone,
)
from programme.access import participant_work_required
from programme.forms import add_service_errors, posted
from programme.models import Module, Room
from sessions.models import Session
from trajectory.models import ActionStep, Goal, Placement

# What each text is, on the "to translate" page.
FIELD_NAMES = {
    (Goal, "text"): gettext_lazy("Goal"),
    (ActionStep, "text"): gettext_lazy("Step"),
    (Session, "topic"): gettext_lazy("Session topic"),
    (Session, "bring"): gettext_lazy("What to bring"),
    (Room, "name"): gettext_lazy("Room"),
    (Placement, "role"): gettext_lazy("Placement: role"),
    (Placement, "tasks"): gettext_lazy("Placement: tasks"),
    (Placement, "schedule"): gettext_lazy("Placement: schedule"),
    (Module, "name"): gettext_lazy("Module: name"),
}

# The code in clear is kept only in the coach's own session, only until the handout is printed
# (or a new code is made): the database keeps its hash.
HANDOUT = "portal_handout"


class IssueForm(forms.Form):
    contact_phone = forms.CharField(
        label=gettext_lazy("Phone number the participant can call"),
        max_length=40,
        required=False,
        help_text=gettext_lazy(
            "Your work number or the office's. Shown on their phone under “my coach”."
        ),
    )


@participant_work_required
@require_http_methods(["GET", "POST"])
def portal_access(request: HttpRequest, pk: int) -> HttpResponse:
    participant = get_participant(request, pk)
    current = (
        PortalAccess.objects.filter(participant=participant, revoked_at__isnull=True)
        .select_related("created_by")
        .first()
    )
    # After a revoke, the new code offers the number the last one showed.
    phone = current.contact_phone if current else previous_contact_phone(participant)
    form = IssueForm(posted(request), initial={"contact_phone": phone})
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "revoke" and current:
            portal_access_revoke(access=current, by=request.user)
            request.session.get(HANDOUT, {}).pop(str(participant.pk), None)
            request.session.modified = True
            messages.success(
                request, _("The code was revoked: it no longer opens the participant's pages.")
            )
            return redirect("portal:staff-access", pk=participant.pk)
        if action != "issue":
            return HttpResponseBadRequest()
        if form.is_valid():
            try:
                _access, code = portal_access_issue(
                    participant=participant,
                    contact_phone=form.cleaned_data["contact_phone"],
                    by=request.user,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                request.session.setdefault(HANDOUT, {})[str(participant.pk)] = code
                request.session.modified = True
                return redirect("portal:staff-handout", pk=participant.pk)
    return render(
        request,
        "portal/staff_access.html",
        {
            "participant": participant,
            "current": current,
            "form": form,
            "has_handout": str(participant.pk) in request.session.get(HANDOUT, {}),
        },
    )


@participant_work_required
@require_safe
def handout(request: HttpRequest, pk: int) -> HttpResponse:
    """A page to print or show: name, QR code, short link and the steps in pictures, the steps
    also in the participant's own language."""
    participant = get_participant(request, pk)
    code = request.session.get(HANDOUT, {}).get(str(participant.pk))
    current = PortalAccess.objects.filter(participant=participant, revoked_at__isnull=True).first()
    if code is None or current is None:
        messages.info(request, _("To print the paper again, make a new code."))
        return redirect("portal:staff-access", pk=participant.pk)
    link = request.build_absolute_uri(reverse("portal:open", args=[code]))
    qr = segno.make(link, error="m")
    language = CLOSEST.get(participant.portal_language, participant.portal_language)
    return render(
        request,
        "portal/staff_handout.html",
        {
            "participant": participant,
            "qr": qr.svg_inline(scale=6, title=link, dark="#000", light="#fff"),
            "link": link,
            "start": request.build_absolute_uri(reverse("portal:start")),
            "code": format_code(code),
            "language": language if language in portal_languages() else None,
        },
    )


@participant_work_required
@require_http_methods(["GET", "POST"])
def translate(request: HttpRequest, pk: int) -> HttpResponse:
    """What the person's phone still shows in the staff's language, with the original beside
    a field for the version in theirs; and the pictures of what to bring to each session."""
    participant = get_participant(request, pk)
    language = content.target_language(participant)
    if request.method == "POST" and language:
        prefix = "t-"
        texts = {
            key[len(prefix) :]: value
            for key, value in request.POST.items()
            if key.startswith(prefix)
        }
        try:
            saved, removed = content.translations_save(
                participant=participant, texts=texts, by=request.user
            )
        except ValidationError:
            messages.error(
                request,
                _("A translation is too long: %(max)s characters at most. Nothing was saved.")
                % {"max": content.MAX_LENGTH},
            )
            return redirect("portal:staff-translate", pk=participant.pk)
        sessions = {
            item.obj.pk: item.obj
            for item in content.to_translate(participant)
            if isinstance(item.obj, Session) and item.field == "bring"
        }
        for session in sessions.values():
            content.bring_pictograms_set(
                session=session, items=request.POST.getlist(f"bring-{session.pk}")
            )
        messages.success(
            request,
            _("Saved: %(saved)s translations, %(removed)s removed.")
            % {"saved": saved, "removed": removed},
        )
        return redirect("portal:staff-translate", pk=participant.pk)
    items = content.to_translate(participant) if language else []
    chosen = content.bring_pictograms([item.obj for item in items if isinstance(item.obj, Session)])
    for item in items:
        item.name = FIELD_NAMES[(type(item.obj), item.field)]
        if isinstance(item.obj, Session) and item.field == "bring":
            item.pictograms = [
                (code, pictogram, pictogram in chosen.get(item.obj.pk, []))
                for code, pictogram in content.BRING.items()
            ]
    return render(
        request,
        "portal/staff_translate.html",
        {
            "participant": participant,
            "language": get_language_info(language) if language else None,
            "items": items,
            "left": sum(1 for item in items if not item.translation or item.outdated),
        },
    )
