"""Demo to-dos: each demo trajectory gets the to-dos its programme's template plans, ticked
off where the demo evaluations and language tests were recorded, as the pages would have done.
Run by demo.load after the evaluations and exits exist."""

import datetime
import random
from collections import defaultdict

from dateutil.relativedelta import relativedelta

from demo import bulk
from evaluations.models import Evaluation, LanguageAssessment
from participants.models import Enrolment, Todo
from participants.services import template_dates
from programme.models import Programme, TodoTemplate

Kind = TodoTemplate.Kind
# A missed review stays on the coach's list for a while; after that the demo coach has
# let it go and it shows as cancelled.
LET_GO_AFTER = datetime.timedelta(weeks=4)


def load_todos(rng: random.Random, today: datetime.date) -> dict:
    rng = random.Random(rng.getrandbits(64))
    templates = {
        programme.pk: (programme.planned_length_months, programme.trajectory_template())
        for programme in Programme.objects.prefetch_related("template_steps")
    }
    evaluations = defaultdict(lambda: defaultdict(list))
    for enrolment_id, kind, held_on in Evaluation.objects.values_list(
        "enrolment_id", "kind", "held_on"
    ).order_by("held_on"):
        evaluations[enrolment_id][kind].append(held_on)
    tests = defaultdict(list)
    for participant_id, day in LanguageAssessment.objects.values_list(
        "participant_id", "assessed_on"
    ).order_by("assessed_on"):
        tests[participant_id].append(day)
    todos = []
    enrolments = Enrolment.objects.filter(started_on__isnull=False).values_list(
        "pk", "participant_id", "coach_id", "programme_id", "started_on", "exited_on",
        "track__length_months",
    )  # fmt: skip
    for row in enrolments.iterator(chunk_size=2000):
        pk, participant_id, coach_id, programme_id, started_on, exited_on, track_months = row
        months, steps = templates[programme_id]
        # The planned end follows the track (participants.services.planned_end).
        months = track_months or months
        end = started_on + relativedelta(months=months)
        done = {kind: list(days) for kind, days in evaluations[pk].items()}
        done[Kind.LANGUAGE_TEST] = [day for day in tests[participant_id] if day >= started_on][:1]
        planned = sorted(
            ((due, step) for step in steps for due in template_dates(step, started_on, end)),
            key=lambda pair: pair[0],
        )
        for due, step in planned:
            todo = Todo(enrolment_id=pk, kind=step.kind, label=step.label, due_on=due)
            _tick(todo, done, coach_id, today, exited_on, rng)
            todos.append(todo)
    bulk.insert_objects(todos)
    bulk.reset_sequences(Todo)
    return {"to-dos": len(todos)}


def _tick(todo, done, coach_id, today, exited_on, rng) -> None:
    recorded = done.get(todo.kind)
    if recorded:
        todo.done_on, todo.done_by_id = recorded.pop(0), coach_id
    elif todo.kind == Kind.INTAKE_FOLLOW_UP and todo.due_on <= today and rng.random() < 0.9:
        todo.done_on = min(today, todo.due_on + datetime.timedelta(days=rng.randint(-3, 5)))
        todo.done_by_id = coach_id
    elif exited_on or todo.due_on < today - LET_GO_AFTER:
        todo.cancelled = True
