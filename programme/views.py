from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from programme.access import programmes_for, staff_of, staff_required


@require_http_methods(["GET"])
def home(request: HttpRequest) -> HttpResponse:
    staff = staff_of(request.user)
    if staff is None:
        return redirect("login") if not request.user.is_authenticated else redirect("admin:index")
    if staff.works_with_participants:
        return redirect("participants:caseload")
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
            "modules": programme.modules.all(),
            "criteria": programme.criteria.all(),
            "sites": programme.sites.all(),
            "partners": programme.organisation.partners.all(),
        },
    )
