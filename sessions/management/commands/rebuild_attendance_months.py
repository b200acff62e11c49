"""`manage.py rebuild_attendance_months`: count again, from the attendance, every row of the
attendance kept per month for the reports (sessions.months). The services keep it as they
go; this is for after a repair made in the database by hand, or a restore of part of it."""

from django.core.management.base import BaseCommand
from django.db import transaction

from sessions import months
from sessions.models import AttendanceMonth


class Command(BaseCommand):
    help = "Count again the attendance kept per person, programme and month for the reports"

    def handle(self, *args, **options):
        with transaction.atomic():
            months.rebuild()
        self.stdout.write(f"{AttendanceMonth.objects.count()} monthly rows counted again.")
