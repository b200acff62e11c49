"""The writes of the reports app: generating a funder report snapshot, entering the
project-level figures."""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from audit import services as audit
from audit.services import Action
from programme.models import Indicator, Programme
from reports import tasks
from reports.figures import Period, small_count_limit
from reports.models import FunderSnapshot, ProjectFigure


def funder_snapshot_request(
    *,
    programme: Programme,
    period: Period,
    by: AbstractBaseUser,
    language: str = "",
    options: dict | None = None,
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
                **_stored_options(options or {}),
            },
        )
        snapshot.full_clean()
        snapshot.save()
    tasks.build_funder_snapshot.enqueue(snapshot.pk)
    snapshot.refresh_from_db()
    return snapshot


def _stored_options(options: dict) -> dict:
    stored = {}
    if options.get("also"):
        stored["also"] = [p.pk for p in options["also"]]
        stored["also_names"] = [p.name for p in options["also"]]
    if options.get("by_site"):
        stored["by_site"] = True
    return stored


def project_figures_save(
    *, programme: Programme, period: Period, values: dict[Indicator, int | None], by
) -> int:
    """Enter the project-level figures of one period: a value replaces the one entered before,
    an empty one removes it. Each change is audited. Returns how many changed."""
    changed = 0
    with transaction.atomic():
        existing = {
            f.indicator_id: f
            for f in ProjectFigure.objects.select_for_update().filter(
                programme=programme, period_start=period.start, period_end=period.end
            )
        }
        for indicator, value in values.items():
            if indicator.rule != "entered" or indicator.indicator_set_id != (
                programme.indicator_set_id
            ):
                raise ValidationError(_("This indicator is not entered by hand."))
            figure = existing.get(indicator.pk)
            if value is None:
                if figure is not None:
                    _record(Action.DELETE, figure, {"value": [figure.value, None]}, by)
                    figure.delete()
                    changed += 1
                continue
            before = audit.snapshot(figure) if figure else None
            figure = figure or ProjectFigure(
                programme=programme, indicator=indicator,
                period_start=period.start, period_end=period.end,
            )  # fmt: skip
            if before is not None and figure.value == value:
                continue
            figure.value, figure.entered_by = value, by
            figure.full_clean()
            figure.save()
            _record(Action.CREATE if before is None else Action.UPDATE, figure,
                    audit.diff(ProjectFigure, before, audit.snapshot(figure)), by)  # fmt: skip
            changed += 1
    return changed


def _record(action, figure: ProjectFigure, changes: dict, by) -> None:
    audit.record_event(
        action=action,
        by=by,
        object_type="reports.projectfigure",
        object_id=figure.pk,
        organisation_id=figure.programme.organisation_id,
        changes=changes,
        note=f"{figure.indicator.code} {figure.period_start:%d/%m/%Y}–{figure.period_end:%d/%m/%Y}",
    )
