"""Calendar subscription feeds (iCalendar) and the pages that hand them out.

Calendar apps cannot sign in, so a feed's address is its secret: whoever holds the URL reads
the feed. It can be revoked at once, and making a new one revokes the old one.

What a feed says ends up on a calendar provider's servers, so it says only what its holder
needs: no participant names and no session notes (a coach's events link to the session page,
behind the login); a participant's feed also leaves out the reason a session was cancelled,
which a coach writes for colleagues.

Times are written in UTC ("…Z"), which every app and parser reads the same way and shows in
local time. A VTIMEZONE block would also do, but the one icalendar generates for
Europe/Brussels (1970–2038) was read an hour off in summer by vobject: an interoperability
risk for no gain, as the events do not repeat.
"""

import datetime

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe
from icalendar import Calendar, Event

from participants.access import get_participant
from participants.models import Participant
from programme.access import participant_work_required
from sessions.agenda import place_label, sessions_of
from sessions.models import Attendance, CalendarFeed, Place, Session

# What a subscription shows: the last month, for the record, and the year ahead.
PAST = datetime.timedelta(days=30)
AHEAD = datetime.timedelta(days=365)
PRODID = "-//Parcours//Sessions//EN"


# Services --------------------------------------------------------------------------------


def feed_create(
    *, user=None, participant: Participant | None = None, language: str = ""
) -> CalendarFeed:
    """A new secret address for a coach or a participant; their previous one stops working.
    `language` is the holder's, as they use Parcours when they make it."""
    if (user is None) == (participant is None):
        raise ValueError("A feed belongs to a user or to a participant, not both.")
    holder = user if user is not None else participant
    owner = {"user": user} if user is not None else {"participant": participant}
    with transaction.atomic():
        # Lock the holder, so two clicks at once leave one working address, not two.
        holder._meta.model._default_manager.select_for_update().get(pk=holder.pk)
        CalendarFeed.objects.filter(**owner, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        return CalendarFeed.objects.create(**owner, language=language)


def feed_revoke(*, feed: CalendarFeed) -> CalendarFeed:
    if feed.revoked_at is None:
        feed.revoked_at = timezone.now()
        feed.save(update_fields=["revoked_at"])
    return feed


def feeds_end(*, participant: Participant) -> int:
    """Every address of the person stops working (their file is erased): returns how many."""
    return CalendarFeed.objects.filter(participant=participant, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def active_feed(**owner) -> CalendarFeed | None:
    return (
        CalendarFeed.objects.filter(**owner, revoked_at__isnull=True)
        .order_by("-created_at")
        .first()
    )


# The feed --------------------------------------------------------------------------------


def _utc(day: datetime.date, time: datetime.time) -> datetime.datetime:
    local = datetime.datetime.combine(day, time, tzinfo=timezone.get_default_timezone())
    return local.astimezone(datetime.UTC)


def _location(session: Session) -> str:
    if session.place == Place.ROOM and session.room_id:
        site = session.room.site
        return ", ".join(part for part in [session.room.name, site.name, site.address] if part)
    if session.place == Place.ONLINE and session.online_link:
        return session.online_link
    return place_label(session)


def _event(session: Session, *, for_staff: bool, request: HttpRequest) -> Event:
    title = str(session.kind)
    if session.topic:
        title = _("%(kind)s: %(topic)s") % {"kind": title, "topic": session.topic}
    lines = []
    if session.group_id:
        lines.append(_("Group: %(name)s") % {"name": session.group.name})
    if session.bring:
        lines.append(_("What to bring: %(things)s") % {"things": session.bring})
    if session.is_cancelled:
        title = _("Cancelled: %(title)s") % {"title": title}
        if for_staff and session.cancel_reason:
            lines.append(_("Cancelled: %(reason)s") % {"reason": session.cancel_reason})
        else:
            lines.append(_("This session is cancelled."))
    url = None
    if for_staff:
        url = request.build_absolute_uri(reverse("sessions:session", args=[session.pk]))
        lines.append(url)
    modified = session.updated_at
    return Event.new(
        uid=f"session-{session.pk}@parcours",
        start=_utc(session.date, session.start_time),
        end=_utc(session.date, session.end_time),
        summary=title,
        location=_location(session),
        description="\n".join(lines) or None,
        status="CANCELLED" if session.is_cancelled else "CONFIRMED",
        # Without a METHOD, DTSTAMP is the last revision of the event (RFC 5545, 3.8.7.2).
        stamp=modified,
        last_modified=modified,
        url=url,
    )


def _language(feed: CalendarFeed) -> str:
    """The holder's language: a participant's portal language, else the language the holder
    made the address in, else the organisation's."""
    available = dict(settings.LANGUAGES)
    if feed.participant_id and feed.participant.portal_language in available:
        return feed.participant.portal_language
    if feed.language in available:
        return feed.language
    if feed.participant_id:
        return feed.participant.organisation.language
    return feed.user.staff.organisation.language


@require_safe
def feed(request: HttpRequest, token: str) -> HttpResponse:
    feed = get_object_or_404(
        CalendarFeed.objects.select_related(
            "participant__organisation", "user__staff__organisation"
        ),
        token=token,
        revoked_at__isnull=True,
    )
    today = timezone.localdate()
    if feed.user_id:
        staff = getattr(feed.user, "staff", None)
        if not feed.user.is_active or staff is None:
            raise Http404
        organisation = staff.organisation
        sessions = sessions_of(feed.user)
    else:
        organisation = feed.participant.organisation
        # Not the sessions of a pause: nobody expects them there.
        sessions = Session.objects.filter(
            attendances__participant_id=feed.participant_id,
            attendances__status__in=Attendance.NOT_PAUSED,
        )
    sessions = sessions.filter(
        programme__organisation_id=organisation.pk, date__range=(today - PAST, today + AHEAD)
    ).select_related("kind", "group", "room__site")
    with translation.override(_language(feed)):
        calendar = Calendar.new(
            uid=f"feed-{feed.pk}@parcours",
            prodid=PRODID,
            name=_("Sessions · %(organisation)s") % {"organisation": organisation.name},
            refresh_interval=datetime.timedelta(hours=1),
            subcomponents=[
                _event(session, for_staff=bool(feed.user_id), request=request)
                for session in sessions
            ],
        )
    # What Outlook and Apple Calendar read instead of REFRESH-INTERVAL.
    calendar.add("x-published-ttl", "PT1H")
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="parcours.ics"'
    response["Cache-Control"] = "private, no-cache"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


# Managing the addresses ------------------------------------------------------------------


def _manage(request: HttpRequest, *, participant: Participant | None = None) -> HttpResponse:
    owner = {"participant": participant} if participant else {"user": request.user}
    current = active_feed(**owner)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "new":
            # A coach's own address speaks the coach's language; one made for a participant
            # follows the participant's portal language, or the organisation's.
            language = "" if participant else translation.get_language()
            feed_create(**owner, language=language)
            messages.success(
                request, _("A new address was made. The previous one, if any, no longer works.")
            )
        elif action == "revoke" and current:
            feed_revoke(feed=current)
            messages.success(
                request,
                _("The address was revoked: calendars subscribed to it will no longer update."),
            )
        else:
            return HttpResponseBadRequest()
        return redirect(request.path)
    url = request.build_absolute_uri(current.get_absolute_url()) if current else ""
    return render(
        request,
        "sessions/feed_manage.html",
        {
            "feed": current,
            "url": url,
            "webcal": "webcal://" + url.split("://", 1)[1] if url else "",
            "participant": participant,
        },
    )


@participant_work_required
@require_http_methods(["GET", "POST"])
def feeds(request: HttpRequest) -> HttpResponse:
    return _manage(request)


@participant_work_required
@require_http_methods(["GET", "POST"])
def participant_feed(request: HttpRequest, pk: int) -> HttpResponse:
    return _manage(request, participant=get_participant(request, pk))
