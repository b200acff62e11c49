from django.core.management.base import BaseCommand

from rights import services


class Command(BaseCommand):
    help = (
        "Anonymise the participant files whose retention period is over (each programme's "
        "retention_years from 31 December of the year the file closed). Lists them only, "
        "unless --apply is given. Meant to run daily from the scheduler."
    )

    def add_arguments(self, parser):
        parser.add_argument("--apply", action="store_true", help="Anonymise them, for real.")

    def handle(self, *args, apply: bool = False, **options):
        expired = services.retention_expired()
        for person in expired:
            self.stdout.write(
                f"participant {person.pk}: retention over on {services.retention_ends(person)}"
            )
        if not apply:
            self.stdout.write(
                f"{len(expired)} file(s) to anonymise. Dry run: nothing changed (use --apply)."
            )
            return
        erased = services.retention_apply()
        self.stdout.write(f"{len(erased)} file(s) anonymised.")
