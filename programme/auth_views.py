"""The second factor after the password: setting up an authenticator app, and typing its code
(programme.two_factor)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from config.security import sign_in_failed
from programme import services, two_factor
from programme.forms import SecondFactorCodeForm, add_service_errors, posted
from programme.params import safe_next_url


def _next(request: HttpRequest) -> str:
    """Where to go once the code is in: the page asked for, if it is one of ours."""
    return safe_next_url(request)


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Scan the code with an app, then type the code it shows: only then is the app kept."""
    if request.session.get(two_factor.STATE) == two_factor.VERIFY:
        # Replacing an app needs the old one first (or an administrator's reset).
        return redirect(f"{reverse('account:verify')}?{request.GET.urlencode()}")
    key = two_factor.pending_key(request)
    form = SecondFactorCodeForm(posted(request))
    if form.is_valid():
        try:
            services.staff_second_factor_add(
                user=request.user, key=key, code=form.cleaned_data["code"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            two_factor.mark_verified(request)
            messages.success(request, _("Your authenticator app is set up."))
            return redirect(_next(request) or "home")
    device = two_factor.new_device(request.user, key)
    return render(
        request,
        "registration/two_factor_setup.html",
        {
            "form": form,
            "qr": two_factor.qr_svg(device),
            "secret": two_factor.secret_text(key),
            "required": two_factor.required_for(request.user),
            "next": _next(request),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """The code after the password. A wrong code counts against the device (django-otp slows
    each next try down) and is logged like a wrong password."""
    if request.session.get(two_factor.STATE) != two_factor.VERIFY:
        return redirect(_next(request) or "home")
    form = SecondFactorCodeForm(posted(request))
    if form.is_valid():
        code = form.cleaned_data["code"]
        if any(device.verify_token(code) for device in two_factor.devices(request.user)):
            two_factor.mark_verified(request)
            return redirect(_next(request) or "home")
        sign_in_failed(request, request.user.get_username(), note=" (second factor)")
        form.add_error(
            "code",
            _(
                "That code does not match. Type the code your app shows now; after a wrong "
                "code, wait a few seconds before the next try."
            ),
        )
    return render(
        request,
        "registration/two_factor_verify.html",
        {"form": form, "next": _next(request)},
    )
