from programme.access import staff_of


def staff(request):
    return {"staff": staff_of(request.user) if hasattr(request, "user") else None}
