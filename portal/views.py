"""The participant's phone pages. Every page starts from portal.access: a page for anyone
(open a code, PIN, language) or a page for the signed-in participant, who sees their own
record and nothing else."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from icalendar import Calendar

from evaluations.services import participant_scores_record
from participants.models import Consent
from participants.services import participant_sms_opt_out_set
from portal import access, content, reads
from portal.forms import (
    CANT_COME_REASONS,
    CantComeForm,
    ChoosePinForm,
    CodeForm,
    PinForm,
    SelfAssessmentForm,
)
from portal.models import PortalAccess
from portal.services import access_for_code, portal_pin_check, portal_pin_choose
from programme import outcomes
from programme.access import staff_of
from programme.forms import add_service_errors, posted
from programme.params import safe_next_url
from sessions.feeds import PRODID, _event, active_feed, feed_create
from sessions.models import AbsenceNotice, Attendance
from sessions.services import absence_propose
from trajectory.models import ActionStep
from trajectory.services import step_mark_done, step_undo

SESSIONS_DAYS = 28
FACES = {1: "frown", 2: "meh", 3: "smile", 4: "laugh"}
DOMAIN_ICONS = {
    "oral_language": "message-square-text",
    "written_language": "pen-line",
    "social_network": "users",
    "social_skills": "handshake",
    "activation": "footprints",
    "digital_skills": "smartphone",
    "autonomy": "key-round",
    "self_confidence": "sprout",
    "wellbeing": "heart",
}


def _render(request, template: str, context: dict | None = None, status: int = 200):
    context = {
        "portal_language": get_language_info(request.LANGUAGE_CODE),
        # Icons drawn from one cached sprite rather than inlined at each use (portal.sprite).
        "icon_sprite": static("portal/icons.svg"),
        "own_phone": bool(request.session.get(access.OWN_PHONE)),
        **(context or {}),
    }
    response = render(request, template, context, status=status)
    # Personal pages: never kept by a shared cache or shown again by the back button of the
    # next person on a shared phone. The service worker keeps its own copy on an own phone.
    response["Cache-Control"] = "private, no-store"
    return response


# Getting in -------------------------------------------------------------------------------


@access.portal_page
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    """Type the code from the paper, for a phone that cannot scan the QR code."""
    if access.current_access(request):
        return redirect("portal:home")
    form = CodeForm(posted(request))
    if request.method == "POST" and form.is_valid():
        found = access_for_code(form.cleaned_data["code"])
        if found is not None:
            return _opened(request, found)
        form.add_error("code", _("This code does not work. Check it, or ask your coach."))
    return _render(request, "portal/start.html", {"form": form})


@access.portal_page
@require_safe
def open_code(request: HttpRequest, code: str) -> HttpResponse:
    """The link in the QR code."""
    found = access_for_code(code)
    if found is None:
        return _render(request, "portal/code_unknown.html", status=404)
    return _opened(request, found)


def _opened(request, found: PortalAccess) -> HttpResponse:
    # The code leaves the address bar at once: the PIN page has a plain address.
    for key in access.KEYS:
        request.session.pop(key, None)
    request.session[access.PENDING] = found.pk
    return redirect("portal:pin")


@access.portal_page
@never_cache
@require_http_methods(["GET", "POST"])
def pin(request: HttpRequest) -> HttpResponse:
    pending = (
        PortalAccess.objects.active()
        .select_related("participant")
        .filter(pk=request.session.get(access.PENDING))
        .first()
        if request.session.get(access.PENDING)
        else None
    )
    if pending is None:
        return redirect("portal:start")
    access.activate(request, access.language_for(request, pending.participant))
    choosing = not pending.has_pin
    form_class = ChoosePinForm if choosing else PinForm
    form = form_class(posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if choosing:
                signed = portal_pin_choose(
                    access=pending, pin=data["pin"], pin_again=data["pin_again"]
                )
            else:
                signed = portal_pin_check(access=pending, pin=data["pin"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            access.sign_in(request, signed, own_phone=data["own_phone"])
            return redirect("portal:home")
    return _render(
        request,
        "portal/pin.html",
        {"form": form, "choosing": choosing, "first_name": pending.participant.first_name},
    )


@access.portal_page
@require_http_methods(["GET", "POST"])
def language(request: HttpRequest) -> HttpResponse:
    """Every language in its own script; works without JavaScript."""
    back = safe_next_url(request)
    if request.method == "POST":
        chosen = request.POST.get("language")
        response = redirect(back or "portal:home")
        if chosen in access.portal_languages():
            request.session[access.LANGUAGE] = chosen
            access.remember_language(request, response, chosen)
        return response
    current = access.current_access(request)
    if current is not None:
        access.activate(request, access.language_for(request, current.participant))
    languages = [get_language_info(code) for code in access.portal_languages()]
    return _render(request, "portal/language.html", {"languages": languages, "next": back})


@access.portal_page
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    language = request.session.get(access.LANGUAGE)
    access.sign_out(request)
    if language:
        request.session[access.LANGUAGE] = language
    messages.info(request, _("You are signed out. To come back, open your code again."))
    response = redirect("portal:start")
    # The copy kept for offline reading goes too: the next person on this phone sees nothing.
    response["Clear-Site-Data"] = '"cache", "storage"'
    return response


# The participant's pages ------------------------------------------------------------------


@access.participant_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    participant = request.participant
    evaluation = reads.self_assessments(participant).first()
    # Once answered, the card says so, with the face chosen for each question.
    answered = (
        [
            {
                "face": FACES[score.participant_score],
                "level": outcomes.LEVEL_NAMES[score.participant_score],
                "domain": outcomes.BY_CODE[score.domain].name,
            }
            for score in evaluation.scores.all()
            if score.participant_score is not None and score.domain in outcomes.BY_CODE
        ]
        if evaluation
        else []
    )
    cards = reads.upcoming_sessions(participant)
    goals = reads.open_goals(participant)
    placements = reads.current_placements(participant)
    modules = reads.my_modules(participant)
    _absence_states(participant, cards)
    context = {
        "participant": participant,
        "sessions": cards,
        "goals": goals,
        "placements": placements,
        "modules": modules,
        **_phone_texts(participant, cards, goals, placements, modules),
        "coach": participant.coach,
        "coach_phone": request.portal_access.contact_phone,
        "call": reads.next_follow_up_call(participant),
        "evaluation": evaluation,
        "answered": answered,
        "saved_at": timezone.localtime(),
        "today": timezone.localdate(),
        "undoable": access.recently_done(request),
        # Every enrolment over, follow-up still running: a home for after the programme.
        "after_programme": not goals and reads.after_programme(participant),
    }
    return _render(request, "portal/home.html", context)


@access.participant_required
@require_safe
def sessions(request: HttpRequest) -> HttpResponse:
    """The next four weeks; "later sessions" shows up to the two months ahead. A page that
    stays light on a slow phone, however full the calendar."""
    later = request.GET.get("later") == "1"
    days = reads.UPCOMING_DAYS if later else SESSIONS_DAYS
    cards = reads.upcoming_sessions(request.participant, limit=None, days=days)
    more = not later and reads.sessions_later(request.participant, after_days=days)
    _absence_states(request.participant, cards)
    return _render(
        request,
        "portal/sessions.html",
        {"sessions": cards, "more": more, **_phone_texts(request.participant, cards)},
    )


def _phone_texts(participant, cards, goals=(), placements=(), modules=()) -> dict:
    """The page's staff-typed texts in the person's language, and the pictures of what to
    bring: two queries for the whole page."""
    sessions = [card.session for card in cards]
    rooms = [session.room for session in sessions if session.room_id]
    # A group is shown by its module's name, which can be translated (a group's own name is
    # the staff's label: module, level band, number).
    group_modules = [s.group.module for s in sessions if s.group_id and s.group.module_id]
    steps = [step for goal in goals for step in goal.steps.all()]
    objects = [
        *sessions,
        *rooms,
        *group_modules,
        *goals,
        *steps,
        *placements,
        *(e.module for e in modules),
    ]
    pictograms = content.bring_pictograms(sessions) if sessions else {}
    for card in cards:
        card.bring = pictograms.get(card.session.pk, [])
        card.kind_icon = content.kind_icon(card.session.kind)
    return {"texts": content.translations_for(participant, objects)}


def _absence_states(participant, cards) -> None:
    """Whether the person may still say "I can't come" for each session, or what became of
    it: one query for the page."""
    if not cards:
        return
    rows = {
        row.session_id: row
        for row in Attendance.objects.filter(
            participant=participant, session__in=[card.session.pk for card in cards]
        ).select_related("notice")
    }
    for card in cards:
        row = rows.get(card.session.pk)
        notice = getattr(row, "notice", None) if row else None
        if row is None or card.session.is_cancelled:
            card.absence = ""
        elif row.status == Attendance.Status.EXCUSED:
            card.absence = "known"
        elif row.status != Attendance.Status.EXPECTED:
            card.absence = ""
        elif notice is not None and notice.status == AbsenceNotice.Status.PROPOSED:
            card.absence = "sent"
        elif notice is not None and notice.status == AbsenceNotice.Status.REJECTED:
            card.absence = "expected"
        else:
            card.absence = "open"


@access.participant_required
@require_http_methods(["GET", "POST"])
def cant_come(request: HttpRequest, pk: int) -> HttpResponse:
    """ "I can't come": a reason picked from pictures, sent to the coach as a proposed excused
    absence. A plain form: works without JavaScript."""
    session = reads.participant_session(request.participant, pk)
    if session is None:
        raise Http404
    form = CantComeForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            absence_propose(
                participant=request.participant,
                session=session,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Sent to your coach."))
            return redirect(safe_next_url(request) or "portal:home")
    chosen = form["reason"].value()
    return _render(
        request,
        "portal/cant_come.html",
        {
            "form": form,
            "session": session,
            "reasons": CANT_COME_REASONS,
            "chosen": chosen,
            "next": safe_next_url(request),
        },
        status=400 if form.errors else 200,
    )


@access.participant_required
@require_POST
def text_messages(request: HttpRequest) -> HttpResponse:
    """Stop, or start again, the text messages about the sessions (the calendar page)."""
    participant_sms_opt_out_set(
        participant=request.participant, opt_out=request.POST.get("stop") == "1"
    )
    messages.success(request, _("Saved."))
    return redirect("portal:calendar")


@access.participant_required
@require_POST
def step_done(request: HttpRequest, pk: int) -> HttpResponse:
    step = reads.own_step(request.participant, pk)
    if step is None:
        raise Http404
    try:
        step_mark_done(step=step, by_participant=True)
    except ValidationError:
        messages.error(request, _("This step cannot be ticked off here. Talk to your coach."))
    else:
        access.remember_done(request, step.pk)
        messages.success(request, _("Well done! The step is ticked off."))
    return redirect("portal:home")


@access.participant_required
@require_POST
def step_undone(request: HttpRequest, pk: int) -> HttpResponse:
    """Take back an "I did it" tapped a moment ago on this phone (access.UNDO_SECONDS)."""
    step = reads.own_step(request.participant, pk)
    if step is None:
        raise Http404
    if (
        step.pk not in access.recently_done(request)
        or step.status != ActionStep.Status.DONE
        or not step.done_by_participant
    ):
        messages.error(request, _("It is too late to undo this. Talk to your coach."))
        return redirect("portal:home")
    try:
        step_undo(step=step, by=None, note="undone on the phone")
    except ValidationError:
        messages.error(request, _("It is too late to undo this. Talk to your coach."))
    else:
        access.forget_done(request, step.pk)
        messages.success(request, _("Undone: the step is to do again."))
    return redirect("portal:home")


@access.participant_required
@require_http_methods(["GET", "POST"])
def self_assessment(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = reads.self_assessments(request.participant).filter(pk=pk).first()
    if evaluation is None:
        raise Http404
    domains = list(evaluation.enrolment.programme.outcome_domains)
    given = {
        score.domain: score.participant_score
        for score in evaluation.scores.all()
        if score.participant_score is not None
    }
    form = SelfAssessmentForm(posted(request), domains=domains, initial=given)
    if request.method == "POST" and form.is_valid():
        scores = {code: level for code, level in form.cleaned_data.items() if level}
        if not scores:
            form.add_error(None, _("Choose a face for at least one question."))
        else:
            try:
                participant_scores_record(evaluation=evaluation, scores=scores)
            except ValidationError:
                form.add_error(None, _("Your answers could not be saved. Talk to your coach."))
            else:
                messages.success(request, _("Thank you! Your coach will see your answers."))
                return redirect("portal:home")
    rows = [
        {
            "field": form[code],
            "icon": DOMAIN_ICONS.get(code, "circle-help"),
            "choices": [
                (level, outcomes.LEVEL_NAMES[level], FACES[level]) for level in outcomes.LEVELS
            ],
        }
        for code in domains
    ]
    return _render(
        request,
        "portal/self_assessment.html",
        {"form": form, "rows": rows, "evaluation": evaluation},
    )


@access.participant_required
@require_safe
def session_ics(request: HttpRequest, pk: int) -> HttpResponse:
    """One session for the phone's calendar ("add to my calendar")."""
    session = reads.participant_session(request.participant, pk)
    if session is None:
        raise Http404
    calendar = Calendar.new(
        prodid=PRODID, subcomponents=[_event(session, for_staff=False, request=request)]
    )
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="session-{session.pk}.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


@access.participant_required
@require_http_methods(["GET", "POST"])
def calendar(request: HttpRequest) -> HttpResponse:
    """A subscription to all their sessions: the feed the coach can also hand out."""
    feed = active_feed(participant=request.participant)
    if request.method == "POST":
        if feed is None:
            feed_create(participant=request.participant)
        return redirect("portal:calendar")
    url = request.build_absolute_uri(feed.get_absolute_url()) if feed else ""
    webcal = "webcal://" + url.split("://", 1)[1] if url else ""
    # The text messages can be stopped here only by someone who agreed to receive them.
    sms_consent = (
        Consent.objects.valid_on(timezone.localdate())
        .filter(participant=request.participant, purpose=Consent.Purpose.SMS_REMINDERS)
        .exists()
    )
    return _render(
        request,
        "portal/calendar.html",
        {
            "url": url,
            "webcal": webcal,
            "sms_consent": sms_consent,
            "sms_stopped": request.participant.sms_opt_out,
        },
    )


@access.portal_page
@require_safe
def status(request: HttpRequest) -> JsonResponse:
    """Asked by the service worker whenever the phone is online: may this phone still keep
    the copy of the home page it saved? Not after a revoke, a block, the end of follow-up or
    a sign-out."""
    response = JsonResponse({"valid": access.current_access(request) is not None})
    response["Cache-Control"] = "private, no-store"
    return response


@access.portal_page
@require_safe
def offline(request: HttpRequest) -> HttpResponse:
    """What the phone shows offline for a page it did not save: nothing personal, so the
    service worker keeps it even after the access ends."""
    return _render(request, "portal/offline.html")


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    """The site's 404 handler: under /p/, a portal page in the person's language."""
    if not request.path.startswith("/p/"):
        return defaults.page_not_found(request, exception)
    current = access.current_access(request)
    access.activate(request, access.language_for(request, current.participant if current else None))
    return _render(request, "portal/not_found.html", {"signed_in": current is not None}, 404)


@access.portal_page
@require_safe
def manifest(request: HttpRequest) -> JsonResponse:
    """Lets the person add the portal to their home screen, opening on their pages."""
    response = JsonResponse(
        {
            "name": "Parcours",
            "short_name": "Parcours",
            "lang": request.LANGUAGE_CODE,
            "dir": "rtl" if get_language_info(request.LANGUAGE_CODE)["bidi"] else "ltr",
            "start_url": reverse("portal:home"),
            "scope": "/p/",
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#0b57a4",
            "icons": [
                {"src": static("favicon.svg"), "sizes": "any", "type": "image/svg+xml"},
            ],
        },
        content_type="application/manifest+json",
    )
    response["Cache-Control"] = "no-cache"
    return response


@require_safe
def service_worker(request: HttpRequest) -> HttpResponse:
    """Served under /p/ so that it may look after the portal's pages (a file under /static/
    could only look after /static/)."""
    path = settings.BASE_DIR / "static" / "portal" / "sw.js"
    response = HttpResponse(path.read_text(), content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/p/"
    response["Cache-Control"] = "no-cache"
    return response


service_worker.portal_view = True


@require_safe
def room_photo(request: HttpRequest, pk: int) -> HttpResponse:
    """The photo of a room's entrance, a request of its own so the page stays light: for the
    participants who have a session there and the staff of the room's organisation; a 404
    for anyone else. The browser keeps it and asks again with its ETag."""
    staff = staff_of(request.user) if request.user.is_authenticated else None
    portal_access = None if request.user.is_authenticated else access.current_access(request)
    participant = portal_access.participant if portal_access else None
    room = reads.photo_room(participant, staff, pk)
    if room is None:
        raise Http404
    etag = f'"{room.photo_digest}"'
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponse(status=304)
    else:
        photo = reads.room_photo(room)
        if photo is None:
            raise Http404
        response = HttpResponse(bytes(photo.content), content_type=photo.content_type)
    response["ETag"] = etag
    response["Cache-Control"] = "private, max-age=86400"
    return response


room_photo.portal_view = True
