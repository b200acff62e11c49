import datetime
import hashlib
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import services as audit
from programme import invitations, two_factor
from programme.access import staff_of
from programme.models import ApiToken, Organisation, Site, Staff, password_stamp

# What an organisation's administrator may configure in the admin: (app label, model name).
# Named by label rather than imported, as some live in apps above this one (the kinds of session
# a programme adds, in sessions).
ADMINISTRATOR_MODELS = [
    ("programme", "room"),
    ("programme", "closureday"),
    ("programme", "organisation"),
    ("programme", "site"),
    ("programme", "programme"),
    ("programme", "module"),
    ("programme", "phase"),
    ("programme", "track"),
    ("programme", "cohort"),
    ("programme", "eligibilitycriterion"),
    ("programme", "partnerorganisation"),
    ("programme", "staff"),
    ("programme", "todotemplate"),
    ("programme", "activitymapping"),
    ("programme", "indicatortarget"),
    ("activities", "sessionkind"),
]


def staff_create(
    *,
    organisation: Organisation,
    role: str,
    username: str,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    password: str | None = None,
    site: Site | None = None,
    by=None,
) -> Staff:
    """A user with their role in one organisation. Administrators get the admin screens for
    configuration, and nothing of participant data. Without a password, the account waits for
    its owner to choose one. People are added through staff_invite (the admin, invite_staff),
    which also writes the audit log; this one serves it, the demo data and the tests."""
    staff_role_check(by=by, organisation=organisation, old_role=None, new_role=role)
    with transaction.atomic():
        user = get_user_model().objects.create_user(
            username=username,
            email=email,
            first_name=first_name,
            last_name=last_name,
            password=password,
        )
        staff = Staff(user=user, organisation=organisation, role=role, site=site)
        staff.full_clean(exclude=["user"])
        staff.save()
        _grant_role(staff)
    return staff


def staff_invite(
    *,
    organisation: Organisation,
    role: str,
    email: str,
    first_name: str = "",
    last_name: str = "",
    site: Site | None = None,
    by=None,
    base_url: str,
) -> tuple[Staff, bool]:
    """Create a colleague's account and role together, and mail them the link to choose their
    password (then their second factor, where the role needs one). Their e-mail address is
    their user name. Returns the staff member and whether the mail left: the account is kept
    either way, and the invitation can be sent again."""
    email = get_user_model().objects.normalize_email(email.strip()).lower()
    if get_user_model().objects.filter(Q(username__iexact=email) | Q(email__iexact=email)).exists():
        raise ValidationError({"email": _("An account already uses this e-mail address.")})
    with transaction.atomic():
        staff = staff_create(
            organisation=organisation,
            role=role,
            username=email,
            email=email,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            site=site,
            by=by,
        )
        _record_staff_event(
            staff,
            by=by,
            action=audit.Action.CREATE,
            changes={"role": [None, role], "site": [None, site.pk if site else None]},
            note="invited",
        )
    return staff, _invitation_send(staff, base_url)


def staff_invitation_resend(*, staff: Staff, by=None, base_url: str) -> bool:
    """Send the invitation again, to someone who has not chosen a password yet. The links sent
    before stop working. Returns whether the mail left."""
    user = staff.user
    if user.has_usable_password():
        raise ValidationError(
            _(
                "%(name)s has already chosen a password; if they forgot it, they use "
                "“Forgot your password?” on the sign-in page."
            )
            % {"name": user.get_full_name() or user.get_username()}
        )
    if not user.is_active:
        raise ValidationError(_("This account may not sign in: allow it to sign in first."))
    # Sending a link to choose a password hands the account to whoever reads the mail: for a
    # manager's account, that is the managers' decision (staff_role_check).
    staff_role_check(by=by, organisation=staff.organisation, old_role=staff.role, new_role=None)
    with transaction.atomic():
        user.set_unusable_password()  # a new random mark: the links sent before stop working
        user.save(update_fields=["password"])
        _record_staff_event(
            staff, by=by, action=audit.Action.UPDATE, changes={}, note="invitation sent again"
        )
    return _invitation_send(staff, base_url)


def _invitation_send(staff: Staff, base_url: str) -> bool:
    try:
        invitations.send_invitation(staff.user, base_url, organisation_name=staff.organisation.name)
    except invitations.MailNotSent:
        return False
    return True


def staff_password_link_send(*, user, base_url: str) -> None:
    """ "Forgot your password?": a reset link to whoever has a password, an invitation link to a
    colleague who never chose one. Raises MailNotSent when the relay refuses."""
    if user.has_usable_password():
        invitations.send_reset(user, base_url)
    else:
        invitations.send_invitation(user, base_url)


def staff_role_check(
    *, by, organisation: Organisation, old_role: str | None, new_role, staff: Staff | None = None
) -> None:
    """Who may give or take a role. The manager role opens every participant file of the
    organisation, so it is never granted by the person who would gain from it alone: only a
    manager of the organisation (or a superuser, or IT on the server's command line, `by` None)
    grants it, changes it, or hands a manager's account to someone by an invitation link. An
    administrator manages every other role of their own organisation, except their own: an
    administrator who became a coach would open participant files."""
    if by is None or by.is_superuser:
        return
    try:
        actor = by.staff
    except Staff.DoesNotExist:
        actor = None
    if actor is None or actor.organisation_id != organisation.pk:
        raise ValidationError(_("You can only manage the staff of your own organisation."))
    if staff is not None and staff.user_id == by.pk and new_role not in {None, old_role}:
        raise ValidationError(
            {"role": _("Nobody changes their own role: ask a colleague who may give it.")}
        )
    touches_manager = Staff.Role.MANAGER in {old_role, new_role}
    if actor.role == Staff.Role.MANAGER:
        # Managers use this only to grant their own role (programme.auth_views.team).
        if new_role not in {Staff.Role.MANAGER, None} and old_role != new_role:
            raise ValidationError(_("Roles other than manager are given by an administrator."))
        return
    if actor.role == Staff.Role.ADMINISTRATOR:
        if touches_manager:
            raise ValidationError(
                {
                    "role": _(
                        "Only a manager of the organisation can grant the manager role or change "
                        "a manager's account: ask one of them."
                    )
                }
            )
        return
    raise ValidationError(_("Only an administrator manages staff accounts."))


def staff_change(*, staff: Staff, role: str, site: Site | None, is_active: bool, by=None) -> Staff:
    """Change a staff member's role, site or access; admin rights follow the role. Each change
    is written to the audit log."""
    before = Staff.objects.select_related("user").get(pk=staff.pk)
    if role != before.role:
        staff_role_check(
            by=by,
            organisation=before.organisation,
            old_role=before.role,
            new_role=role,
            staff=before,
        )
    with transaction.atomic():
        staff.role = role
        staff.site = site
        staff.full_clean()
        staff.save()
        was_active = before.user.is_active
        staff.user.is_active = is_active
        _grant_role(staff)
        changes = {}
        if before.role != role:
            changes["role"] = [before.role, role]
        if before.site_id != staff.site_id:
            changes["site"] = [before.site_id, staff.site_id]
        if was_active != is_active:
            changes["may_sign_in"] = [was_active, is_active]
        if changes:
            _record_staff_event(staff, by=by, action=audit.Action.UPDATE, changes=changes)
        if (was_active and not is_active) or before.role != role:
            # Their pages already refuse them (an inactive user is signed out at the next
            # request); deleting the sessions also leaves nothing to come back to. After a role
            # change, the next sign-in asks for what the new role needs (a second factor).
            staff_sessions_end(user=staff.user)
        if was_active and not is_active:
            # Ended, not merely refused while inactive: a reactivated account starts with
            # no key that was made before it left.
            api_tokens_end(user=staff.user, reason=ApiToken.Ended.DEACTIVATED)
    return staff


def _record_staff_event(staff: Staff, *, by, action: str, changes: dict, note: str = ""):
    user = staff.user
    name = user.get_full_name() or user.get_username()
    return audit.record_event(
        action=action,
        by=by,
        object_type="staff",
        object_id=staff.pk,
        organisation_id=staff.organisation_id,
        changes=changes,
        note=f"{name} <{user.get_username()}>" + (f": {note}" if note else ""),
    )


def staff_sessions_end(*, user) -> int:
    """End every session of this user, everywhere. Returns how many there were."""
    ended = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            ended.append(session.pk)
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)


def staff_second_factor_add(*, user, key: str, code: str):
    """Keep the authenticator app that shows `code` for the secret `key` as the user's second
    factor. The code proves the app holds the secret before anything is stored."""
    if not two_factor.code_matches(key, code):
        raise ValidationError(
            {"code": _("That code does not match. Type the code your app shows now.")}
        )
    with transaction.atomic():
        two_factor.devices(user).delete()
        device = two_factor.new_device(user, key)
        device.full_clean()
        device.save()
    return device


def staff_second_factor_reset(*, staff: Staff, by) -> int:
    """An administrator's way back in for a colleague who lost their phone: the app is
    forgotten and their sessions end; at their next sign-in they set a new one up."""
    if staff.user_id == by.pk:
        raise ValidationError(_("Ask another administrator to reset your own second factor."))
    with transaction.atomic():
        removed, _detail = two_factor.devices(staff.user).delete()
        staff_sessions_end(user=staff.user)
        # A key made by whoever held the lost phone must not outlive it.
        api_tokens_end(user=staff.user, reason=ApiToken.Ended.SECOND_FACTOR, by=by)
    return removed


# What administrators oversee for their own organisation (docs/data-protection.md): the audit
# log, read-only (audit.admin scopes it), and the sign-in lock-outs, which they may lift by
# deleting the row (programme.admin.LockOutAdmin scopes them).
_ADMINISTRATOR_OVERSIGHT = Q(
    content_type__app_label="audit", content_type__model="event", codename="view_event"
) | Q(
    content_type__app_label="axes",
    content_type__model="accessattempt",
    codename__in=["view_accessattempt", "delete_accessattempt"],
)


def _administrator_models() -> Q:
    query = Q(pk__in=[])
    for app_label, model in ADMINISTRATOR_MODELS:
        query |= Q(content_type__app_label=app_label, content_type__model=model)
    return query


def _grant_role(staff: Staff) -> None:
    user = staff.user
    is_administrator = staff.role == Staff.Role.ADMINISTRATOR
    user.is_staff = is_administrator
    user.save(update_fields=["is_staff", "is_active"])
    if is_administrator:
        user.user_permissions.set(
            Permission.objects.filter(_administrator_models() | _ADMINISTRATOR_OVERSIGHT)
        )
    else:
        user.user_permissions.clear()


# Personal API keys ----------------------------------------------------------------------------

API_KEY_PREFIX = "prc_"


def api_key_hash(key: str) -> str:
    # The key carries 256 random bits, so a plain SHA-256 is enough: there is nothing to
    # guess, and a fast hash keeps the lookup at one indexed query per request.
    return hashlib.sha256(key.encode()).hexdigest()


# How long a new key works unless its owner chooses otherwise.
API_KEY_LIFETIME = datetime.timedelta(days=365)


def api_token_create(
    *, user, name: str, lifetime: datetime.timedelta | None = API_KEY_LIFETIME
) -> tuple[ApiToken, str]:
    """A new key for this user, working for `lifetime` (None: until revoked). Returns the key
    itself, which is never stored: show it once."""
    key = API_KEY_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken(
            user=user,
            name=name.strip(),
            prefix=key[:10],
            key_hash=api_key_hash(key),
            expires_at=timezone.now() + lifetime if lifetime else None,
            password_stamp=password_stamp(user),
        )
        token.full_clean()
        token.save()
    return token, key


def api_tokens_for_manager(staff: Staff):
    """The keys a manager may see and revoke: those of their organisation's staff."""
    if not staff.is_manager:
        return ApiToken.objects.none()
    return ApiToken.objects.of_organisation(staff.organisation_id)


def api_token_revoke(*, token: ApiToken, by) -> ApiToken:
    """Stop a key from working, at once: its owner, or a manager of the owner's organisation.
    The row stays, so the lists still say when and why; the audit log says who."""
    if token.user_id == by.pk:
        reason = ApiToken.Ended.REVOKED
    elif (manager := staff_of(by)) and api_tokens_for_manager(manager).filter(pk=token.pk).exists():
        reason = ApiToken.Ended.MANAGER
    else:
        raise ValidationError(_("You can only revoke your own keys."))
    with transaction.atomic():
        now = timezone.now()
        ended = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=now, revoked_by=by, ended_reason=reason
        )
        token.refresh_from_db(fields=["revoked_at", "revoked_by", "ended_reason"])
        if ended:
            _audit_key_ended(token, by=by)
    return token


def api_tokens_end(*, user, reason: str, by=None) -> int:
    """End the working keys of this user that stood for an old state of the account: all of
    them after a deactivation or a reset of the second factor; those made under an earlier
    password after a password change. Returns how many keys ended."""
    tokens = ApiToken.objects.filter(user=user, revoked_at__isnull=True)
    if reason == ApiToken.Ended.PASSWORD:
        tokens = tokens.exclude(password_stamp=password_stamp(user))
    tokens = list(tokens)
    if not tokens:
        return 0
    now = timezone.now()
    ApiToken.objects.filter(pk__in=[token.pk for token in tokens], revoked_at__isnull=True).update(
        revoked_at=now, revoked_by=by, ended_reason=reason
    )
    for token in tokens:
        token.revoked_at, token.revoked_by, token.ended_reason = now, by, reason
        _audit_key_ended(token, by=by)
    return len(tokens)


def _audit_key_ended(token: ApiToken, *, by) -> None:
    owner = Staff.objects.filter(user_id=token.user_id).values_list("organisation_id", flat=True)
    audit.record_event(
        action=audit.Action.UPDATE,
        by=by,
        object_type="programme.apitoken",
        object_id=token.pk,
        organisation_id=owner.first(),
        changes={
            "revoked_at": [None, token.revoked_at.isoformat()],
            "ended_reason": ["", token.ended_reason],
        },
        note=f"API key {token.prefix}… of user {token.user_id} ended: {token.ended_reason}",
    )
