"""Background work (django-tasks): the immediate backend runs it during the request in
development; production sets PARCOURS_TASKS_BACKEND to the database backend and runs
`manage.py db_worker` (docs/manager-guide-reports.md). The request that queues it is
`reports.services.funder_snapshot_request`."""

from django.db import transaction
from django.utils import timezone, translation
from django_tasks import task

from reports.figures import Period
from reports.funder import funder_report, snapshot_options
from reports.models import FunderSnapshot
from reports.suppression import stored_figures


@task()
def build_funder_snapshot(snapshot_id: int) -> None:
    funder_snapshot_build(snapshot_id=snapshot_id)


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
                snapshot.programme,
                Period(snapshot.period_start, snapshot.period_end),
                progress,
                **snapshot_options(snapshot),
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
