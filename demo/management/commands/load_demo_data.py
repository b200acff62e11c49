from django.core.management import call_command
from django.core.management.base import BaseCommand

from demo import load


class Command(BaseCommand):
    help = "Load the demo organisations, programmes, staff and participants (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=int,
            default=1,
            help="Multiply the number of participants (40 per organisation at 1).",
        )
        parser.add_argument(
            "--seed", type=int, default=2026, help="Random seed: the same seed gives the same data."
        )
        parser.add_argument("--reset", action="store_true", help="Empty the database first.")

    def handle(self, *args, scale, seed, reset, **options):
        if reset:
            call_command("flush", interactive=False, verbosity=0)
        elif load.already_loaded():
            self.stdout.write("Demo data is already loaded (use --reset to rebuild it).")
            return
        counts = load.load(scale=scale, seed=seed)
        summary = ", ".join(f"{count} {name}" for name, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {summary}."))
