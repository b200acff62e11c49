"""Joining and getting back in: the invitation to choose a first password, "Forgot your
password?", the second factor after the password (programme.two_factor), and the managers' page
that grants their role."""

import logging

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.views import PasswordResetConfirmView
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from programme import invitations, services, two_factor
from programme.access import staff_required
from programme.forms import SecondFactorCodeForm, add_service_errors, posted
from programme.models import Staff
from programme.params import safe_next_url
from programme.security import client_ip, sign_in_failed

log = logging.getLogger("parcours.audit")

# "Forgot your password?" sends mail to whoever types an address: without a limit, anyone can
# flood a colleague's mailbox (or the relay's quota). Counted in Django's cache.
RESET_LIMIT_PER_ADDRESS = 5  # requests from one client address
RESET_LIMIT_PER_ACCOUNT = 3  # mails to one account
RESET_WINDOW_SECONDS = 3600


def _count(key: str) -> int:
    """Count one more in a window that starts with the first count."""
    cache.add(key, 0, RESET_WINDOW_SECONDS)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, RESET_WINDOW_SECONDS)
        return 1


def _reset_recipients(email: str) -> list:
    """Active accounts with this address: who has a password gets a reset link, a colleague who
    never chose one gets an invitation link (Django's own form skips them)."""
    users = get_user_model().objects.filter(email__iexact=email, is_active=True)
    return [
        user
        for user in users.select_related("staff")
        if user.has_usable_password() or hasattr(user, "staff")
    ]


@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    """The same answer whether or not an account uses the address, and whether or not a limit
    was reached; only a mail that could not leave is said, since the person waits for it."""
    form = PasswordResetForm(posted(request))
    if form.is_valid():
        if _count(f"parcours:reset:address:{client_ip(request)}") > RESET_LIMIT_PER_ADDRESS:
            log.warning("password reset limit reached: ip=%s", client_ip(request))
            return redirect("password_reset_done")
        for user in _reset_recipients(form.cleaned_data["email"]):
            if _count(f"parcours:reset:account:{user.pk}") > RESET_LIMIT_PER_ACCOUNT:
                log.warning("password reset limit reached: user=%s", user.pk)
                continue
            try:
                services.staff_password_link_send(user=user, base_url=invitations.base_url(request))
            except invitations.MailNotSent:
                return render(
                    request,
                    "registration/password_reset_form.html",
                    {"form": form, "mail_failed": invitations.mail_failed_message()},
                    status=503,
                )
        return redirect("password_reset_done")
    return render(request, "registration/password_reset_form.html", {"form": form})


class InvitationView(PasswordResetConfirmView):
    """The link of an invitation: choose a password, then (signed in at once) set up the
    second factor where the role needs one. Like Django's reset link, the token moves from the
    address into the session before the form shows, so it never leaks through a Referer."""

    token_generator = invitations.invitation_token
    template_name = "accounts/invitation.html"
    post_reset_login = True
    post_reset_login_backend = "programme.backends.StaffModelBackend"

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        if user is None or not user.is_active:
            return None
        return user

    def get_success_url(self):
        if two_factor.required_for(self.request.user):
            return reverse("account:two-factor-setup")
        return reverse("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password is set. Welcome to Parcours."))
        return response


invitation = InvitationView.as_view()


@staff_required
@require_http_methods(["GET"])
def team(request: HttpRequest) -> HttpResponse:
    """A manager's view of the organisation's staff, where they grant the manager role: an
    administrator cannot give it, not even to themself (programme.services.staff_role_check)."""
    if not request.staff.is_manager:
        raise Http404
    colleagues = (
        Staff.objects.filter(organisation_id=request.staff.organisation_id)
        .select_related("user", "site")
        .order_by("user__last_name", "user__first_name")
    )
    return render(request, "accounts/team.html", {"colleagues": colleagues})


@staff_required
@require_POST
def grant_manager(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.staff.is_manager:
        raise Http404
    staff = get_object_or_404(
        Staff.objects.select_related("user", "organisation"),
        pk=pk,
        organisation_id=request.staff.organisation_id,
    )
    try:
        services.staff_change(
            staff=staff,
            role=Staff.Role.MANAGER,
            site=staff.site,
            is_active=staff.user.is_active,
            by=request.user,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(name)s is now a manager; they set up a second factor at their next sign-in.")
            % {"name": staff.user.get_full_name() or staff.user.get_username()},
        )
    return redirect("account:team")


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
