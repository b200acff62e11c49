from django.conf import settings
from django.core.management.base import BaseCommand

from demo import people, portal


class Command(BaseCommand):
    help = "Print one demo login per role."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000/", help="Where the app runs.")

    def handle(self, *args, url, **options):
        logins = people.demo_logins()
        if not logins:
            self.stdout.write("No demo users: run `manage.py load_demo_data` first.")
            return
        self.stdout.write(f"\nDemo logins (password for all: {people.DEMO_PASSWORD}):")
        for role, username, organisation in logins:
            self.stdout.write(f"  {role:<15} {username:<10} ({organisation})")
        if settings.PARCOURS_DEMO_SKIP_2FA:
            self.stdout.write(
                "Second factor: not asked of the demo managers and administrators "
                "(PARCOURS_DEMO_SKIP_2FA, on only with DEBUG)."
            )
        else:
            self.stdout.write(
                "Second factor: managers and administrators set up an authenticator app "
                "(FreeOTP, Aegis…) at their first sign-in."
            )
        for line in portal.logins(url):
            self.stdout.write(line)
        self.stdout.write(f"Open {url}\n")
