"""The trajectory's models, moved from the participants app with their tables: the state
is created here, the database keeps the tables participants made (Meta.db_table), so no row
moves. The content types follow (with their permissions and admin log entries); the action
plan's Step is called ActionStep from here on."""

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


# (app label, model) in participants -> the same in trajectory
MOVED = {
    ("participants", "goal"): ("trajectory", "goal"),
    ("participants", "step"): ("trajectory", "actionstep"),
    ("participants", "placement"): ("trajectory", "placement"),
    ("participants", "referral"): ("trajectory", "referral"),
}


def _rename(apps, db_alias: str, renames: dict) -> None:
    types = apps.get_model("contenttypes", "ContentType").objects.using(db_alias)
    permissions = apps.get_model("auth", "Permission").objects.using(db_alias)
    for (old_app, old_model), (new_app, new_model) in renames.items():
        # A content type already made for the new name (a migrate stopped half-way, then
        # run again) is left alone rather than clashing with the unique (app, model) pair.
        if types.filter(app_label=new_app, model=new_model).exists():
            continue
        moved = types.filter(app_label=old_app, model=old_model).first()
        if moved is None:  # a new database: the content types are made after migrating
            continue
        moved.app_label, moved.model = new_app, new_model
        moved.save()
        if old_model != new_model:  # the permissions' codenames name the model
            for action in ["add", "change", "delete", "view"]:
                permissions.filter(content_type=moved, codename=f"{action}_{old_model}").update(
                    codename=f"{action}_{new_model}"
                )


def move_content_types(apps, schema_editor):
    _rename(apps, schema_editor.connection.alias, MOVED)


def move_content_types_back(apps, schema_editor):
    _rename(apps, schema_editor.connection.alias, {new: old for old, new in MOVED.items()})


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('auth', '0012_alter_user_first_name_max_length'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('participants', '0011_trajectory_moves_out'),
        ('programme', '0011_api_key_lifetime'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Goal',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('text', models.TextField(max_length=2000, verbose_name="goal, in the participant's words")),
                        ('text_own_language', models.TextField(blank=True, max_length=2000, verbose_name='the same in their language')),
                        ('own_language', models.CharField(blank=True, choices=[('ar', 'Arabic'), ('am', 'Amharic'), ('bn', 'Bengali'), ('bo', 'Tibetan'), ('de', 'German'), ('en', 'English'), ('es', 'Spanish'), ('fa', 'Persian (Farsi)'), ('prs', 'Dari'), ('fr', 'French'), ('ku', 'Kurdish (Kurmanji)'), ('ckb', 'Kurdish (Sorani)'), ('ln', 'Lingala'), ('nl', 'Dutch'), ('ps', 'Pashto'), ('pt', 'Portuguese'), ('ru', 'Russian'), ('so', 'Somali'), ('sw', 'Swahili'), ('ti', 'Tigrinya'), ('tr', 'Turkish'), ('uk', 'Ukrainian'), ('ur', 'Urdu'), ('other', 'Other language')], max_length=10, verbose_name='their language')),
                        ('domain', models.CharField(blank=True, choices=[('oral_language', 'Speaking and understanding the national language'), ('written_language', 'Reading and writing the national language'), ('social_network', 'Social network'), ('social_skills', 'Social skills and communication'), ('activation', 'Activation: taking part in society'), ('digital_skills', 'Digital skills (smartphone, computer, e-mail, internet)'), ('autonomy', 'Autonomy in daily life'), ('self_confidence', 'Self-confidence'), ('wellbeing', 'Health and well-being')], max_length=30, verbose_name='outcome domain')),
                        ('status', models.CharField(choices=[('open', 'Working on it'), ('achieved', 'Achieved'), ('dropped', 'Dropped'), ('revised', 'Revised')], default='open', max_length=20, verbose_name='status')),
                        ('closed_on', models.DateField(blank=True, null=True, verbose_name='closed on')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('position', models.PositiveSmallIntegerField(default=0)),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('enrolment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='goals', to='participants.enrolment', verbose_name='enrolment')),
                        ('revises', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='revised_by', to='trajectory.goal', verbose_name='revises')),
                    ],
                    options={
                        'verbose_name': 'goal',
                        'verbose_name_plural': 'goals',
                        'db_table': 'participants_goal',
                        'ordering': ['position', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='ActionStep',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('text', models.CharField(max_length=300, verbose_name='step')),
                        ('who', models.CharField(choices=[('coach', 'The coach'), ('together', 'Together'), ('participant', 'The participant alone')], max_length=20, verbose_name='who does it')),
                        ('due_on', models.DateField(blank=True, null=True, verbose_name='due')),
                        ('status', models.CharField(choices=[('todo', 'To do'), ('done', 'Done'), ('dropped', 'Dropped')], default='todo', max_length=20, verbose_name='status')),
                        ('done_on', models.DateField(blank=True, null=True, verbose_name='done on')),
                        ('done_by_participant', models.BooleanField(default=False)),
                        ('position', models.PositiveSmallIntegerField(default=0)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('goal', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='steps', to='trajectory.goal')),
                    ],
                    options={
                        'verbose_name': 'step',
                        'verbose_name_plural': 'steps',
                        'db_table': 'participants_step',
                        'ordering': ['position', 'pk'],
                        'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('done_on__isnull', False), ('status', 'done')), models.Q(('status', 'done'), _negated=True), _connector='OR'), name='step_done_has_date')],
                    },
                ),
                migrations.CreateModel(
                    name='Placement',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('volunteering', 'Volunteering'), ('job_tasting', 'Job tasting (about a week)'), ('internship', 'Initiation internship (about three months)')], max_length=20, verbose_name='kind')),
                        ('role', models.CharField(max_length=200, verbose_name='role')),
                        ('tasks', models.TextField(blank=True, max_length=2000, verbose_name='tasks')),
                        ('hours_per_week', models.DecimalField(decimal_places=1, max_digits=4, validators=[django.core.validators.MinValueValidator(0)], verbose_name='hours per week')),
                        ('schedule', models.CharField(blank=True, help_text='e.g. Tuesday and Thursday 9–13', max_length=200, verbose_name='schedule')),
                        ('supervisor_name', models.CharField(blank=True, max_length=200, verbose_name='supervisor')),
                        ('supervisor_phone', models.CharField(blank=True, max_length=40, verbose_name="supervisor's phone")),
                        ('supervisor_email', models.EmailField(blank=True, max_length=254, verbose_name="supervisor's e-mail")),
                        ('starts_on', models.DateField(verbose_name='start')),
                        ('ends_on', models.DateField(blank=True, null=True, verbose_name='planned end')),
                        ('ended_on', models.DateField(blank=True, null=True, verbose_name='ended on')),
                        ('status', models.CharField(choices=[('planned', 'Planned'), ('ongoing', 'Ongoing'), ('ended', 'Ended'), ('cancelled', 'Cancelled')], default='planned', max_length=20, verbose_name='status')),
                        ('outcome', models.CharField(blank=True, choices=[('continued', 'Continues as a volunteer'), ('stopped', 'Stopped'), ('article_60', 'Led to subsidised employment (art. 60 §7)'), ('job', 'Led to a job'), ('training', 'Led to a training'), ('other', 'Other')], max_length=20, verbose_name='how it ended')),
                        ('notes', models.TextField(blank=True, max_length=5000, verbose_name='notes')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('version', models.PositiveIntegerField(default=1)),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('enrolment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='placements', to='participants.enrolment', verbose_name='enrolment')),
                        ('host', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='placements', to='programme.partnerorganisation', verbose_name='host')),
                    ],
                    options={
                        'verbose_name': 'placement',
                        'verbose_name_plural': 'placements',
                        'db_table': 'participants_placement',
                        'ordering': ['-starts_on', '-pk'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('ends_on__isnull', True), ('ends_on__gte', models.F('starts_on')), _connector='OR'), name='placement_ends_after_start'), models.CheckConstraint(condition=models.Q(models.Q(('status', 'ended'), _negated=True), models.Q(('ended_on__isnull', False), models.Q(('outcome', ''), _negated=True)), _connector='OR'), name='placement_ended_has_outcome')],
                    },
                ),
                migrations.CreateModel(
                    name='Referral',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('trauma_therapy', 'Trauma therapy'), ('legal', 'Legal advice'), ('housing', 'Housing'), ('language_course', 'Language course'), ('mentoring', 'Mentoring or sponsorship'), ('debt', 'Debt mediation'), ('health', 'Health'), ('other', 'Other')], max_length=20, verbose_name='for')),
                        ('sent_on', models.DateField(default=django.utils.timezone.localdate, verbose_name='date')),
                        ('reason', models.TextField(max_length=2000, verbose_name='reason')),
                        ('status', models.CharField(choices=[('sent', 'Sent'), ('waiting_list', 'On the waiting list'), ('accepted', 'Accepted'), ('started', 'Started'), ('ended', 'Ended'), ('refused', 'Refused')], default='sent', max_length=20, verbose_name='status')),
                        ('started_on', models.DateField(blank=True, null=True, verbose_name='started on')),
                        ('ended_on', models.DateField(blank=True, null=True, verbose_name='ended on')),
                        ('outcome', models.TextField(blank=True, max_length=2000, verbose_name='outcome')),
                        ('shares_personal_data', models.BooleanField(verbose_name='shares personal data with the partner')),
                        ('consent_override_reason', models.TextField(blank=True, max_length=2000, verbose_name='why without consent')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('consent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='referrals', to='participants.consent')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('enrolment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='referrals_out', to='participants.enrolment', verbose_name='enrolment')),
                        ('partner', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='referrals', to='programme.partnerorganisation', verbose_name='partner')),
                    ],
                    options={
                        'verbose_name': 'referral to a partner',
                        'verbose_name_plural': 'referrals to partners',
                        'db_table': 'participants_referral',
                        'ordering': ['-sent_on', '-pk'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('shares_personal_data', False), ('consent__isnull', False), models.Q(('consent_override_reason', ''), _negated=True), _connector='OR'), name='referral_sharing_needs_consent_or_reason')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back, elidable=True),
    ]
