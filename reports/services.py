"""The one write of the reports app: generating a funder report snapshot."""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from programme.models import Programme
from reports.figures import Period, small_count_limit
from reports.funder import funder_report
from reports.models import FunderSnapshot
from reports.suppression import stored_figures


def funder_snapshot_request(
    *, programme: Programme, period: Period, by: AbstractBaseUser, language: str = ""
) -> FunderSnapshot:
    """Record the request and hand the counting to the task queue. With the development
    setting (the immediate backend) it is ready on return; with a worker, the snapshot page
    shows the progress until it is."""
    from reports.tasks import build_funder_snapshot

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
    build_funder_snapshot.enqueue(snapshot.pk)
    snapshot.refresh_from_db()
    return snapshot


def funder_snapshot_build(*, snapshot_id: int) -> FunderSnapshot:
    """Count every indicator, saving the progress after each one so the page can show it."""
    snapshot = FunderSnapshot.objects.select_related(
        "programme__organisation", "programme__indicator_set"
    ).get(pk=snapshot_id)
    FunderSnapshot.objects.filter(pk=snapshot.pk).update(
        status=FunderSnapshot.Status.RUNNING, progress=0
    )

    def progress(done: int, total: int) -> None:
        # Stops short of 100: the figures are not saved yet.
        FunderSnapshot.objects.filter(pk=snapshot.pk).update(progress=min(99, 100 * done // total))

    try:
        # Labels are stored as words: in the report's language, not the worker's.
        with translation.override(snapshot.language):
            report = funder_report(
                snapshot.programme, Period(snapshot.period_start, snapshot.period_end), progress
            )
            figures = stored_figures(report)
    except Exception as error:
        FunderSnapshot.objects.filter(pk=snapshot.pk).update(
            status=FunderSnapshot.Status.FAILED, error=repr(error), finished_at=timezone.now()
        )
        raise
    with transaction.atomic():
        snapshot.figures = figures
        snapshot.status = FunderSnapshot.Status.READY
        snapshot.progress = 100
        snapshot.finished_at = timezone.now()
        snapshot.save(update_fields=["figures", "status", "progress", "finished_at"])
    return snapshot
