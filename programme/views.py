from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from programme import services
from programme.access import programmes_for, staff_of, staff_required
from programme.forms import ApiKeyForm, add_service_errors, posted, staff_label
from programme.models import ApiToken


@require_http_methods(["GET"])
def home(request: HttpRequest) -> HttpResponse:
    staff = staff_of(request.user)
    if staff is None:
        return redirect("login") if not request.user.is_authenticated else redirect("admin:index")
    # Where each role starts its day: a coach on what to do today, a manager on the figures,
    # an administrator on the programmes they configure.
    if staff.is_coach:
        return redirect("casefile:today")
    if staff.is_manager:
        return redirect("reports:dashboard")
    return redirect("programme:list")


def _with_counts(programmes):
    # Count each status once, in the same query as the programmes.
    return programmes.annotate(
        referred=Count("enrolments", filter=Q(enrolments__status__in=["referred", "intake"])),
        waiting=Count("enrolments", filter=Q(enrolments__status="waiting_list")),
        active=Count("enrolments", filter=Q(enrolments__status__in=["active", "paused"])),
        exited=Count("enrolments", filter=Q(enrolments__status__in=["exited", "closed"])),
    )


@staff_required
@require_http_methods(["GET"])
def programme_list(request: HttpRequest) -> HttpResponse:
    programmes = _with_counts(programmes_for(request.staff))
    return render(request, "programme/programme_list.html", {"programmes": programmes})


@staff_required
@require_http_methods(["GET"])
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_object_or_404(_with_counts(programmes_for(request.staff)), pk=pk)
    return render(
        request,
        "programme/programme_detail.html",
        {
            "programme": programme,
            "modules": programme.modules.select_related("phase"),
            "phases": programme.phases.all(),
            "tracks": programme.tracks.all(),
            "cohorts": programme.cohorts.select_related("track").annotate(
                waiting=Count("enrolments", filter=Q(enrolments__status="waiting_list"))
            ),
            "criteria": programme.criteria.all(),
            "sites": programme.sites.all(),
            "partners": programme.organisation.partners.all(),
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def api_keys(request: HttpRequest) -> HttpResponse:
    """The user's personal API keys. A new key is shown once, on the page that made it."""
    form = ApiKeyForm(posted(request))
    new_key = None
    if form.is_valid():
        try:
            _token, new_key = services.api_token_create(
                user=request.user,
                name=form.cleaned_data["name"],
                lifetime=form.cleaned_data["lifetime"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            form = ApiKeyForm()
    tokens = ApiToken.objects.filter(user=request.user).select_related("user")
    return render(
        request,
        "programme/api_keys.html",
        {"form": form, "tokens": _with_state(tokens), "new_key": new_key},
    )


def _with_state(tokens) -> list[ApiToken]:
    # Whether each key still works, read once for the whole list.
    now = timezone.now()
    tokens = list(tokens)
    for token in tokens:
        token.ended = token.ended_because(now)
        token.ended_label = ApiToken.Ended(token.ended).label if token.ended else ""
    return tokens


@staff_required
@require_http_methods(["POST"])
def api_key_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken.objects.filter(user=request.user), pk=pk)
    services.api_token_revoke(token=token, by=request.user)
    messages.success(request, _("The key “%(name)s” no longer works.") % {"name": token.name})
    return redirect("programme:api-keys")


def _organisation_keys(request: HttpRequest):
    # Managers only; anyone else is told the page does not exist.
    if not request.staff.is_manager:
        raise Http404
    return services.api_tokens_for_manager(request.staff)


@staff_required
@require_http_methods(["GET"])
def organisation_api_keys(request: HttpRequest) -> HttpResponse:
    """Every key of the organisation's staff, so a manager can see what reaches the API as
    whom, and end what should no longer."""
    tokens = (
        _organisation_keys(request)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "-created_at")
    )
    return render(request, "programme/organisation_api_keys.html", {"tokens": _with_state(tokens)})


@staff_required
@require_http_methods(["POST"])
def organisation_api_key_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(_organisation_keys(request).select_related("user"), pk=pk)
    services.api_token_revoke(token=token, by=request.user)
    messages.success(
        request,
        _("The key “%(name)s” of %(owner)s no longer works.")
        % {"name": token.name, "owner": staff_label(token.user)},
    )
    return redirect("programme:organisation-api-keys")
