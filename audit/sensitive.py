"""Which fields the audit trail records as "changed" without their values.

Free text (every TextField, and the short notes and reasons named below) can hold anything a
coach wrote about health, trauma, family or residence; special categories of data (health,
disability, minority) and residence status are sensitive by law; and the fields that identify
the person are kept out too, so that erasing someone leaves nothing of them in the log.

Named by model label (strings, not imports: this app sits below the ones it describes).
"""

from django.db import models

SENSITIVE_FIELDS: dict[str, set[str]] = {
    "participants.participant": {
        "first_name",
        "last_name",
        "birth_date",
        "national_number",
        "phone",
        "residence_status",
    },
    "participants.entrycharacteristics": {"disability", "minority"},
    "participants.participantevent": {"note"},
    "trajectory.goal": {"text"},
    "trajectory.actionstep": {"text"},
    "trajectory.placement": {"tasks", "notes"},
    "evaluations.exitreview": {"contact_person", "contact_phone"},
    "evaluations.callattempt": {"note"},
    "activities.attendance": {"reason"},  # the sessions app's label
}


def label(model) -> str:
    return model._meta.label_lower


def is_sensitive(model, field: models.Field) -> bool:
    return isinstance(field, models.TextField) or field.name in SENSITIVE_FIELDS.get(
        label(model), set()
    )
