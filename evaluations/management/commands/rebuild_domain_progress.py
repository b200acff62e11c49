"""`manage.py rebuild_domain_progress`: count again, from the evaluations, every row of the
progress per outcome domain kept for the reports (evaluations.progress). The services keep it
as they go; this is for after a repair made in the database by hand, or a restore of part of
it."""

from django.core.management.base import BaseCommand
from django.db import transaction

from evaluations import progress
from evaluations.models import DomainProgress


class Command(BaseCommand):
    help = "Count again the progress per outcome domain kept per enrolment for the reports"

    def handle(self, *args, **options):
        with transaction.atomic():
            progress.rebuild()
        self.stdout.write(f"{DomainProgress.objects.count()} rows counted again.")
