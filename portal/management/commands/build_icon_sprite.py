"""Write static/portal/icons.svg from the vendored Lucide icons; --check only says whether the
committed sprite is up to date (for CI and the tests)."""

from django.core.management.base import BaseCommand, CommandError

from portal import sprite


class Command(BaseCommand):
    help = "Build the SVG sprite of the phone pages' icons (static/portal/icons.svg)."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Fail if the sprite is stale.")

    def handle(self, *args, check: bool = False, **options):
        text = sprite.build()
        current = sprite.PATH.read_text() if sprite.PATH.exists() else ""
        if check:
            if current != text:
                raise CommandError(
                    "static/portal/icons.svg is out of date: run manage.py build_icon_sprite."
                )
            self.stdout.write("The icon sprite is up to date.")
            return
        sprite.PATH.write_text(text)
        self.stdout.write(f"Wrote {sprite.PATH.name}: {len(sprite.portal_icons())} icons.")
