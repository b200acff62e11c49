"""The action plan (goals and steps), placements and referrals to partners move to the
trajectory app. Their tables stay where they are (trajectory's models keep the names through
Meta.db_table), so this only tells Django's state: no row moves."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0010_exit_destinations_job_seeker_inactive"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name="step",
                    name="goal",
                ),
                migrations.RemoveField(
                    model_name="placement",
                    name="created_by",
                ),
                migrations.RemoveField(
                    model_name="placement",
                    name="enrolment",
                ),
                migrations.RemoveField(
                    model_name="placement",
                    name="host",
                ),
                migrations.RemoveField(
                    model_name="referral",
                    name="consent",
                ),
                migrations.RemoveField(
                    model_name="referral",
                    name="created_by",
                ),
                migrations.RemoveField(
                    model_name="referral",
                    name="enrolment",
                ),
                migrations.RemoveField(
                    model_name="referral",
                    name="partner",
                ),
                migrations.DeleteModel(
                    name="Goal",
                ),
                migrations.DeleteModel(
                    name="Step",
                ),
                migrations.DeleteModel(
                    name="Placement",
                ),
                migrations.DeleteModel(
                    name="Referral",
                ),
            ],
            database_operations=[],
        ),
    ]
