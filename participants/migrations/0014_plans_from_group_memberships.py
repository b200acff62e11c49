"""Today's group memberships become module plans: a person in a group of a module follows that
module. For each membership whose group has a module, the person's enrolment in the group's
programme (the one whose period holds the day they joined, else their latest) gets the module
in its plan, from the first day they joined one of its groups to the last day they left one:
running while a membership is still open and the enrolment is not finished, done otherwise.
"""

from django.db import migrations

FINISHED = {"not_admitted", "exited", "closed"}


def _enrolment_for(enrolments: list, joined_on):
    """The enrolment whose period holds `joined_on`, else the latest one."""
    for enrolment in enrolments:
        started = enrolment.started_on or enrolment.referred_on
        if started <= joined_on and (enrolment.exited_on is None or joined_on <= enrolment.exited_on):
            return enrolment
    return enrolments[0]


def plans_from_memberships(apps, schema_editor):
    Enrolment = apps.get_model("participants", "Enrolment")
    PlannedModule = apps.get_model("participants", "PlannedModule")
    GroupMembership = apps.get_model("activities", "GroupMembership")

    memberships = (
        GroupMembership.objects.filter(group__module__isnull=False)
        .values_list("participant_id", "group__programme_id", "group__module_id", "joined_on", "left_on")
        .order_by("joined_on", "pk")
    )
    enrolments: dict[tuple[int, int], list] = {}
    for enrolment in Enrolment.objects.order_by("-referred_on", "-pk").iterator():
        enrolments.setdefault((enrolment.participant_id, enrolment.programme_id), []).append(
            enrolment
        )

    # (enrolment pk, module pk) -> [first joined, last left or None while open]
    spans: dict[tuple[int, int], list] = {}
    by_pk = {}
    for participant_id, programme_id, module_id, joined_on, left_on in memberships.iterator():
        candidates = enrolments.get((participant_id, programme_id))
        if not candidates:
            continue  # a membership without an enrolment: nothing to hang a plan on
        enrolment = _enrolment_for(candidates, joined_on)
        by_pk[enrolment.pk] = enrolment
        span = spans.setdefault((enrolment.pk, module_id), [joined_on, left_on, left_on is None])
        span[0] = min(span[0], joined_on)
        if left_on is None:
            span[2] = True
        elif span[1] is None or left_on > span[1]:
            span[1] = left_on

    rows = []
    positions: dict[int, int] = {}
    for (enrolment_pk, module_id), (starts_on, left_on, open_) in sorted(
        spans.items(), key=lambda item: (item[0][0], item[1][0], item[0][1])
    ):
        enrolment = by_pk[enrolment_pk]
        positions[enrolment_pk] = positions.get(enrolment_pk, 0) + 1
        if open_ and enrolment.status not in FINISHED:
            status, ends_on = "running", None
        else:
            status = "done"
            ends_on = left_on if not open_ else enrolment.exited_on
            if ends_on is not None and ends_on < starts_on:
                ends_on = starts_on
        rows.append(
            PlannedModule(
                enrolment_id=enrolment_pk,
                module_id=module_id,
                status=status,
                position=positions[enrolment_pk],
                starts_on=starts_on,
                ends_on=ends_on,
            )
        )
    PlannedModule.objects.bulk_create(rows, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0013_planned_modules"),
        ("activities", "0007_group_cohort"),
    ]

    operations = [
        migrations.RunPython(plans_from_memberships, migrations.RunPython.noop, elidable=False),
    ]
