"""Who may see what. Every view starts from one of these helpers: anything outside the user's
reach is a 404, so another organisation's records are not even confirmed to exist."""

from functools import wraps

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404

from programme.models import PartnerOrganisation, Programme, Staff


def staff_of(user) -> Staff | None:
    if not user.is_authenticated or not user.is_active:
        return None
    try:
        return user.staff
    except Staff.DoesNotExist:
        return None


def staff_required(view):
    """Signed-in staff only; sets request.staff. Others get a 404."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        staff = staff_of(request.user)
        if staff is None:
            raise Http404
        request.staff = staff
        return view(request, *args, **kwargs)

    return wrapper


def participant_work_required(view):
    """Coaches and managers: the people who open participant files."""

    @staff_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.staff.works_with_participants:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def programmes_for(staff: Staff):
    return Programme.objects.filter(organisation_id=staff.organisation_id)


def partners_for(staff: Staff):
    return PartnerOrganisation.objects.filter(organisation_id=staff.organisation_id)


def coaches_for(staff: Staff):
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            staff__organisation_id=staff.organisation_id,
            staff__role=Staff.Role.COACH,
        )
        .order_by("first_name", "last_name")
    )
