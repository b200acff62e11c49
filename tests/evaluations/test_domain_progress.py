"""The progress per outcome domain kept per enrolment for the reports (evaluations.progress):
the services keep it equal to a fresh count after each change, and `per_pair` reads it as of
any day, equal to the rule's own reading (progress_since_baseline) of the scores up to then."""

import datetime
import io
import random
from collections import Counter

import pytest
from django.core.management import call_command

from evaluations import progress, services
from evaluations.models import DomainProgress, DomainScore, Evaluation
from evaluations.selectors import progress_since_baseline
from evaluations.services import ScoreRow
from participants.models import Enrolment
from tests.evaluations.factories import make_evaluation
from tests.factories import make_enrolment, make_participant, make_programme

pytestmark = pytest.mark.django_db
D = datetime.date
DOMAINS = ["oral_language", "social_network", "autonomy"]


def kept() -> Counter:
    return Counter(DomainProgress.objects.values_list(*progress.COLUMNS))


def fresh() -> Counter:
    """The kept rows as a count from scratch would give them."""
    return Counter(progress.counted(DomainScore.objects.all(), Evaluation.objects.all()))


@pytest.fixture
def programme(organisation):
    return make_programme(organisation=organisation, outcome_domains=DOMAINS)


def enrol(programme, coach, name="Ana"):
    person = make_participant(organisation=programme.organisation, coach=coach.user,
                              first_name=name)  # fmt: skip
    return make_enrolment(participant=person, programme=programme, status="active",
                          started_on=D(2025, 1, 6))  # fmt: skip


def test_recording_and_correcting_an_evaluation_keep_the_rows(programme, coach):
    enrolment = enrol(programme, coach)
    services.evaluation_record(
        enrolment=enrolment, kind="baseline", held_on=D(2025, 2, 3), by=coach.user,
        scores=[ScoreRow("oral_language", 1), ScoreRow("social_network", 2)],
    )  # fmt: skip
    assert not DomainProgress.objects.exists()  # a baseline alone: nothing to compare yet
    midway = services.evaluation_record(
        enrolment=enrolment, kind="midway", held_on=D(2025, 5, 5), by=coach.user,
        scores=[ScoreRow("oral_language", 3), ScoreRow("social_network", None)],
    )  # fmt: skip
    assert kept() == fresh()
    row = DomainProgress.objects.get()
    assert (row.domain, row.before, row.latest % 10, row.evaluated_until) == (
        "oral_language", 1, 3, D(2025, 5, 5)
    )  # fmt: skip
    assert (row.participant_id, row.programme_id) == (enrolment.participant_id, programme.pk)
    services.evaluation_update(
        evaluation=midway, held_on=D(2025, 6, 2), version=midway.version, by=coach.user,
        scores=[ScoreRow("oral_language", 2), ScoreRow("social_network", 4)],
    )  # fmt: skip
    assert kept() == fresh()
    assert sorted(DomainProgress.objects.values_list("domain", "before", "evaluated_until")) == [
        ("oral_language", 1, D(2025, 6, 2)), ("social_network", 2, D(2025, 6, 2)),
    ]  # fmt: skip
    assert {row.latest % 10 for row in DomainProgress.objects.all()} == {2, 4}


def as_the_rule_reads_it(enrolments, until) -> Counter:
    found = Counter()
    for enrolment_id, read in progress_since_baseline(enrolments, until=until).items():
        person = next(e.participant_id for e in enrolments if e.pk == enrolment_id)
        for row in read.domains:
            if row.coach.before is not None and row.coach.after is not None:
                found[(row.domain.code, person, row.coach.before, row.coach.after)] += 1
    return found


def test_per_pair_as_of_any_day_is_the_rule_on_the_scores_up_to_then(programme, coach):
    rng = random.Random(29)
    for name in ("Ana", "Bilal", "Chen", "Dana", "Emre", "Farah", "Goran", "Hawa"):
        enrolment = enrol(programme, coach, name)
        kinds = ["baseline", "exit"] + ["midway"] * rng.randint(0, 4)
        for kind in rng.sample(kinds, rng.randint(1, len(kinds))):
            scores = {d: rng.choice([1, 2, 3, 4, None]) for d in rng.sample(DOMAINS, 2)}
            held_on = D(2025, 1, 10) + datetime.timedelta(days=rng.randint(0, 300))
            make_evaluation(enrolment=enrolment, kind=kind, scores=scores, held_on=held_on)
    assert kept() == fresh()
    enrolments = list(Enrolment.objects.select_related("programme"))
    ids = Enrolment.objects.values("pk")
    for until in [D(2025, 1, 9), D(2025, 3, 1), D(2025, 6, 30), D(2025, 9, 1), D(2026, 1, 1)]:
        read = Counter(
            (d, p, b, latest % 10) for d, p, b, latest in progress.per_pair([programme], ids, until)
        )
        assert read == as_the_rule_reads_it(enrolments, until), until
    assert sum(as_the_rule_reads_it(enrolments, D(2026, 1, 1)).values()) > 0


def test_the_command_counts_every_row_again(programme, coach):
    enrolment = enrol(programme, coach)
    make_evaluation(enrolment=enrolment, kind="baseline", held_on=D(2025, 2, 3),
                    scores={"oral_language": 1})  # fmt: skip
    make_evaluation(enrolment=enrolment, held_on=D(2025, 4, 3), scores={"oral_language": 2})
    before = kept()
    DomainProgress.objects.all().delete()
    out = io.StringIO()
    call_command("rebuild_domain_progress", stdout=out)
    assert kept() == before == fresh()
    assert "1 rows" in out.getvalue()
