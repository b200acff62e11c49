"""The demo writes most of its rows directly (demo/bulk.py), past the forms and the services:
this proves those rows still satisfy every model rule and constraint, as if each had been
saved through `full_clean()`, and that each enrolment's status history is a walk the status
machine allows."""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from participants.models import Enrolment

pytestmark = pytest.mark.django_db
# The apps whose models are the domain (not Django's, the libraries' or ops' heartbeat).
DOMAIN_APPS = ["audit", "programme", "participants", "trajectory", "activities", "evaluations",
               "portal", "reports", "rights"]  # fmt: skip
SAMPLE = 40  # rows per model, spread over the whole table
# What the demo must have written for the checks below to mean something.
WRITTEN = {
    "programme.Organisation", "programme.Site", "programme.Staff", "programme.Programme",
    "programme.Module", "programme.EligibilityCriterion", "programme.PartnerOrganisation",
    "programme.Room", "programme.ActivityMapping", "participants.Participant",
    "participants.LanguageSkill", "participants.Enrolment", "participants.EnrolmentStatusChange",
    "participants.IntakeInterview", "participants.EligibilityAnswer", "participants.Consent",
    "trajectory.Goal", "trajectory.ActionStep", "trajectory.Referral", "trajectory.Placement",
    "participants.Todo", "participants.ParticipantEvent", "participants.EntryCharacteristics",
    "activities.Group", "activities.GroupMembership", "activities.Series", "activities.Session",
    "activities.Attendance", "evaluations.LanguageAssessment", "evaluations.Evaluation",
    "evaluations.DomainScore", "evaluations.ExitReview", "evaluations.FollowUpCall",
    "evaluations.CallAttempt", "portal.PortalAccess",
}  # fmt: skip


def sample(model) -> list:
    """Up to SAMPLE rows, evenly spread over the primary keys (the first and the last in)."""
    pks = list(model._base_manager.order_by("pk").values_list("pk", flat=True))
    step = max(1, len(pks) // SAMPLE)
    return list(model._base_manager.filter(pk__in=pks[::step] + pks[-1:]))


def test_every_row_the_demo_writes_passes_full_clean(demo_data):
    breaches, written = [], set()
    for app in DOMAIN_APPS:
        for model in apps.get_app_config(app).get_models():
            if model._meta.proxy or not model._meta.managed:
                continue
            rows = sample(model)
            if rows:
                written.add(model._meta.label)
            for row in rows:
                try:
                    row.full_clean()
                except ValidationError as error:
                    breaches.append(f"{model._meta.label} {row.pk}: {error.message_dict}")
    assert written >= WRITTEN, f"the demo wrote none of {sorted(WRITTEN - written)}"
    assert not breaches, "\n".join(breaches[:20])


def test_every_status_history_walks_the_status_machine(demo_data):
    for enrolment in Enrolment.objects.prefetch_related("changes"):
        changes = sorted(enrolment.changes.all(), key=lambda change: (change.changed_at, change.pk))
        assert changes[0].from_status == "" and changes[0].to_status == Enrolment.Status.REFERRED
        for before, after in zip(changes, changes[1:], strict=False):
            assert after.from_status == before.to_status
            assert after.to_status in Enrolment.TRANSITIONS[Enrolment.Status(before.to_status)]
        assert changes[-1].to_status == enrolment.status
