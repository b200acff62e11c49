"""The one write of the reports app: asking for a funder report snapshot. The counting itself
is background work (reports/tasks.py)."""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from programme.models import Programme
from reports import tasks
from reports.figures import Period, small_count_limit
from reports.models import FunderSnapshot


def funder_snapshot_request(
    *, programme: Programme, period: Period, by: AbstractBaseUser, language: str = ""
) -> FunderSnapshot:
    """Record the request and hand the counting to the task queue. With the development
    setting (the immediate backend) it is ready on return; with a worker, the snapshot page
    shows the progress until it is."""
    if programme.indicator_set_id is None:
        raise ValidationError(
            _("This programme has no indicator set yet: an administrator chooses one first.")
        )
    with transaction.atomic():
        snapshot = FunderSnapshot(
            programme=programme,
            indicator_set=programme.indicator_set,
            period_start=period.start,
            period_end=period.end,
            language=language or translation.get_language(),
            created_by=by,
            parameters={
                "organisation": programme.organisation.name,
                "programme": programme.name,
                "funding_reference": programme.funding_reference,
                "indicator_set": str(programme.indicator_set),
                "tcn_only": programme.indicator_set.third_country_nationals_only,
                "small_count": small_count_limit(),
            },
        )
        snapshot.full_clean()
        snapshot.save()
    tasks.build_funder_snapshot.enqueue(snapshot.pk)
    snapshot.refresh_from_db()
    return snapshot
