"""Background work (django-tasks): the immediate backend runs it during the request in
development; production sets PARCOURS_TASKS_BACKEND to the database backend and runs
`manage.py db_worker` (docs/manager-guide-reports.md)."""

from django_tasks import task

from reports import services


@task()
def build_funder_snapshot(snapshot_id: int) -> None:
    services.funder_snapshot_build(snapshot_id=snapshot_id)
