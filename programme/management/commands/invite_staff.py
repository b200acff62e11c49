"""`manage.py invite_staff EMAIL --organisation <id or name> --role coach|manager|administrator`:
IT's way to add a colleague (the first manager of a new organisation, say) without the admin.
The same service as the admin's staff page: account and role together, and an invitation mail
with a link to choose a password. The links point to PARCOURS_BASE_URL."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from programme import invitations
from programme.models import Organisation, Site, Staff
from programme.services import staff_invite


class Command(BaseCommand):
    help = "Create a staff account with its role and send the invitation to choose a password."

    def add_arguments(self, parser):
        parser.add_argument("email", help="The colleague's e-mail address (also their user name).")
        parser.add_argument(
            "--organisation", required=True, help="The organisation's id or exact name."
        )
        parser.add_argument("--role", required=True, choices=Staff.Role.values)
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--site", type=int, help="The id of their site (optional).")

    def handle(self, *args, email, organisation, role, first_name, last_name, site, **options):
        found = _organisation(organisation)
        chosen_site = None
        if site is not None:
            chosen_site = Site.objects.filter(pk=site, organisation=found).first()
            if chosen_site is None:
                raise CommandError(f"No site {site} in {found.name}.")
        try:
            base = invitations.base_url()
        except ValueError as error:
            raise CommandError(str(error)) from error
        try:
            staff, sent = staff_invite(
                organisation=found,
                role=role,
                email=email,
                first_name=first_name,
                last_name=last_name,
                site=chosen_site,
                by=None,  # IT on the server's command line
                base_url=base,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        if not sent:
            raise CommandError(
                f"The account {staff.user.username} is created, but the invitation could not be "
                "sent (see the log). Check the mail settings, then send it again from the admin "
                "(Staff › Send the invitation again)."
            )
        self.stdout.write(
            f"Invited {staff.user.username} as {staff.get_role_display()} of {found.name}; "
            f"the link works for {invitations.INVITATION_DAYS} days."
        )


def _organisation(given: str) -> Organisation:
    if given.isascii() and given.isdigit():
        found = Organisation.objects.filter(pk=int(given)).first()
    else:
        found = Organisation.objects.filter(name=given).first()
    if found is None:
        raise CommandError(f"No organisation {given!r} (give its id or its exact name).")
    return found
