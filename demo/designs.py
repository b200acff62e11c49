"""The five programme designs of ../shared/PROGRAMMES.md as data: one entry per programme, read
by every demo generator (people, trajectories, evaluations, to-dos, groups and sessions), so
each programme is generated from its own design rather than from one generic pattern.

Each entry gives what the source publishes (modules, rhythms, session kinds and topics,
partners, interpreter use, evaluation and follow-up schedules, placement mix, targets and
outcomes); where the source says nothing, the value is marked `assumption` here and listed in
docs/decisions/0027-demo-faithful-to-the-designs.md. tests/demo/test_fidelity.py measures the
demo database against `published`."""

import datetime
from dataclasses import dataclass, field

from programme.models import EligibilityCriterion, Module, Programme, Staff, TodoTemplate

Kind = EligibilityCriterion.Kind
Todo = TodoTemplate.Kind
START, PLANNED_END = TodoTemplate.Anchor.START, TodoTemplate.Anchor.PLANNED_END


@dataclass(frozen=True)
class Track:
    """A module run as groups: who joins it, when and for how long, and how its groups meet.

    `levels` keeps the track to people whose oral level at the start is one of these CEFR
    codes (None: any); `literacy` to these literacy values. `share` of the people it fits
    follow it (chosen per person: a non-linear path). `joins` is "start" (the first day),
    "orientation" (after the design's individual orientation) or "end" (its `weeks` before
    the trajectory ends). `banding`: "bands" (adjacent levels together), "level_schooling"
    (one level and one schooling band per group: homogeneous) or "mixed" (anyone together,
    the programme's mother-tongue cap kept)."""

    module: str  # the Module.name it belongs to
    kind: str  # SessionKind code
    topics: tuple[str, ...]
    weekdays: tuple[int, ...]
    hour: int
    hours: int
    every_weeks: int = 1
    coaches: int = 1  # group workers per group
    capacity: int = 12
    levels: tuple[str, ...] | None = None
    literacy: tuple[str, ...] | None = None
    share: float = 1.0
    joins: str = "start"
    delay_days: tuple[int, int] = (0, 0)  # after the moment `joins` names
    weeks: int | None = None  # stays this long (None: to the end of the trajectory)
    banding: str = "bands"

    def group_size(self) -> int:
        return self.capacity - 1


@dataclass(frozen=True)
class Published:
    """The outcome figures the source publishes (or that the demo assumes, see `assumed`).
    Shares are fractions of those who left (completion, drop-out) or of those who completed
    (work-ready: leaving for one of `work_ready_destinations`)."""

    completed: float
    dropped_out: float
    first_drop_out_reason: str
    work_ready: float
    work_ready_destinations: tuple[str, ...]
    average_months: float
    assumed: tuple[str, ...] = ()  # which of these figures the source does not give


@dataclass(frozen=True)
class Phase:
    """A stage people go through in order, with the modules that belong to it (by name) and
    the length it is expected to take (weeks: from, up to; None where the source says
    nothing)."""

    name: str
    modules: tuple[str, ...]
    min_weeks: int | None = None
    max_weeks: int | None = None
    description: str = ""


@dataclass(frozen=True)
class Length:
    """One planned length of a programme offering several (AMIE's 3- and 9-month tracks).
    An enrolment is put on it where its dates fit: it started on or after `since` and lasted
    (or, still running, has lasted) between `fits` months."""

    name: str
    months: int
    fits: tuple[float, float]
    since: datetime.date | None = None


@dataclass
class Design:
    org: str
    city: str
    code: str
    name: str
    description: str
    language: str  # the national language of the group work
    sites: list[str]
    entry_mode: str
    planned_months: int
    criteria: list[tuple]  # (kind, label, min_age or, for a minimum language level, the level)
    modules: list[tuple]  # (kind, name, rhythm, hours_per_week, length_weeks)
    partners: list[tuple]  # (name, services, referrals, volunteers, sessions)
    staff: list[tuple]  # (username, first, last, role)
    districts: list[str] = field(default_factory=list)  # more programmes at national scale
    target: int = 60
    # --- how the programme runs ---
    tracks: list[Track] = field(default_factory=list)
    # Individual talks: (until day n of the trajectory, or None: to the end; gap in days).
    talks: tuple[tuple[int | None, tuple[int, int]], ...] = ((None, (21, 35)),)
    orientation_days: tuple[int, int] = (0, 0)  # individual phase before any group
    cohorts: tuple[tuple[int, int], ...] = ()  # (month, day) of each cohort start, if by cohort
    cohort_weeks: int = 26  # how long a cohort runs together
    phases: tuple[Phase, ...] = ()  # none: the modules are not followed in order
    # How a person goes through the modules (Programme.module_path): "sequence" (the plan is
    # the modules in their order) or "chosen" (picked per person, in any order).
    module_path: str = Programme.ModulePath.CHOSEN
    trial_sessions: tuple[tuple[str, int], ...] = ()  # (module, sessions to try it first)
    # Modules evaluated per module (Module.evaluated_at): (module, moments).
    evaluated_modules: tuple[tuple[str, str], ...] = ()
    # A second coach on the enrolments of a module's people: (module, Role, from the day the
    # person joins it). Interactief!'s activation coach for those referred to VIA.
    co_coach: tuple[str, str] | None = None
    # Placements that are part of a module: (Placement kind, module). VIA's job tasting.
    placement_modules: tuple[tuple[str, str], ...] = ()
    lengths: tuple[Length, ...] = ()  # planned lengths (programme.Track) besides the default
    intake_support: tuple[tuple[str, float], ...] = (("interpreter", 0.5),)
    max_mother_tongue_share: int | None = None
    min_level: str = ""  # the lowest oral level admitted (CEFR code), as the criteria ask
    min_hours_per_week: int | None = None
    origins: dict[str, int] | None = None  # countries of birth (None: the common profile)
    # --- evaluation and follow-up ---
    template: list[tuple] = field(default_factory=list)  # (kind, weeks, anchor, repeat, label)
    reviews: tuple[int, int] = (13, 13)  # mid-way evaluations: first after, then every (weeks)
    follow_up_weeks: str = "4, 13, 26"
    # --- outcomes ---
    published: Published | None = None
    length_sd_months: float = 2.0
    drop_out_reasons: list[tuple] = field(default_factory=list)
    destinations: list[tuple] = field(default_factory=list)  # of those who completed
    placement_chances: tuple[float, ...] = (0.6, 0.5, 0.35)
    placement_kinds: list[tuple] = field(default_factory=list)
    placement_outcomes: list[tuple] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)

    def cohort_start(self, day: datetime.date) -> datetime.date:
        """The first cohort start on or after `day` (a Monday): people admitted wait for it."""
        starts = sorted(
            _monday(datetime.date(year, month, d))
            for year in (day.year, day.year + 1)
            for month, d in self.cohorts
        )
        return next(start for start in starts if start >= day)

    def cohort_starts(self, first: datetime.date, last: datetime.date) -> list[datetime.date]:
        """Every cohort start (a Monday) from `first` to `last`."""
        return sorted(
            start
            for year in range(first.year, last.year + 1)
            for month, d in self.cohorts
            if first <= (start := _monday(datetime.date(year, month, d))) <= last
        )


def _monday(day: datetime.date) -> datetime.date:
    return day + datetime.timedelta(days=(7 - day.weekday()) % 7)


def for_code(code: str) -> Design:
    """The design of a programme code: `amie-3` (the same design in another district) is AMIE;
    an unknown code gets the first design."""
    for design in DESIGNS:
        if code == design.code or code.startswith(design.code + "-"):
            return design
    return DESIGNS[0]


def for_name(module: str, code: str) -> Track | None:
    """The track a group module runs as, in the design of the programme `code`."""
    return next((t for t in for_code(code).tracks if t.module == module), None)


LOW = ("pre_a1", "a1")


DESIGNS = [
    Design(
        org="OCMW Antwerpen",
        city="Antwerpen",
        code="amie",
        name="AMIE",
        description="Individuele en groepsbegeleiding voor erkende vluchtelingen en subsidiair beschermden met een leefloon.",
        language="nl",
        sites=["Sociaal centrum Centrum", "Sociaal centrum Noord", "Sociaal centrum Zuid"],
        entry_mode=Programme.EntryMode.CONTINUOUS,
        planned_months=6,
        criteria=[
            (Kind.PROTECTION_STATUS, "", None),
            (Kind.THIRD_COUNTRY_NATIONAL, "", None),
            (Kind.INTEGRATION_INCOME, "", None),
            (Kind.MIN_AGE, "", 18),
            (Kind.CIVIC_INTEGRATION, "", None),
            (Kind.JUDGEMENT, "Beperkt sociaal netwerk", None),
            (Kind.JUDGEMENT, "Drempels tot integratie", None),
            (Kind.MIN_LANGUAGE_LEVEL, "", "1.1"),
            (Kind.JUDGEMENT, "Gemotiveerd, wil zich integreren in Antwerpen", None),
        ],
        modules=[
            (
                Module.Kind.INDIVIDUAL,
                "Individuele begeleiding",
                "wekelijks tot tweewekelijks",
                None,
                26,
            ),
            (Module.Kind.GROUP, "Groepsbegeleiding", "wekelijks, 3 uur", 3, 26),
        ],
        partners=[
            ("Solentra", "traumatherapie in de moedertaal, met tolk", True, False, False),
            ("Juridisch advies verblijf", "juridisch advies over verblijf", True, False, False),
            (
                "Buddywerking Antwerpen",
                "buddy's en peterschap, bezoekt de groep",
                True,
                False,
                True,
            ),
            ("Woonwinkel Stad Antwerpen", "huisvesting", True, False, False),
            (
                "Woonzorgcentrum Sint-Jozef",
                "vrijwilligerswerk in het woonzorgcentrum",
                False,
                True,
                False,
            ),
            ("Kringwinkel Antwerpen", "vrijwilligerswerk, kringwinkel", False, True, False),
        ],
        staff=[
            ("an.peeters", "An", "Peeters", Staff.Role.MANAGER),
            ("jef.maes", "Jef", "Maes", Staff.Role.COACH),
            ("sara.elamrani", "Sara", "El Amrani", Staff.Role.COACH),
            ("tom.jacobs", "Tom", "Jacobs", Staff.Role.COACH),
            ("beheer.antwerpen", "Lies", "Wouters", Staff.Role.ADMINISTRATOR),
        ],
        districts=["Noord", "Zuid", "Deurne", "Borgerhout"],
        tracks=[
            Track(
                module="Groepsbegeleiding",
                kind="collective_coaching",
                topics=(
                    "Infosessie: rechten en plichten",
                    "Psychosociale sessie: stress en slaap",
                    "Uitstap: de bibliotheek",
                    "Psychosociale sessie: vluchteling zijn",
                    "Infosessie: wonen en huren",
                    "Uitstap: museum",
                    "Bezoek van de buddy's",
                    "Uitstap: een school",
                ),
                weekdays=(1,),
                hour=9,
                hours=3,
            ),
        ],
        talks=((None, (7, 14)),),  # weekly to fortnightly
        # Its start/middle/end are phases of the individual coaching, which runs alongside the
        # group from the first day to the last: not stages between modules, so no Phase rows.
        lengths=(
            Length("Kort intensief traject (3 maanden)", 3, (0, 4.5), datetime.date(2022, 1, 1)),
            Length("Intercultureel traject (9 maanden)", 9, (7.5, 99), datetime.date(2022, 1, 1)),
        ),
        min_level="a1",  # Dutch at least 1.1
        # The individual coaching and the weekly group run side by side: no order to follow.
        module_path=Programme.ModulePath.CHOSEN,
        intake_support=(("interpreter", 0.7),),  # "where possible": assumption 7 in 10
        template=[
            (Todo.BASELINE, 2, START, None, ""),
            (Todo.LANGUAGE_TEST, 2, START, None, ""),
            (Todo.INTAKE_FOLLOW_UP, 4, START, None, "Einddoelen vastleggen"),
            (Todo.MIDWAY, 13, START, None, "Tussentijdse evaluatie (3 maanden)"),
            (Todo.MIDWAY, 26, START, None, "Eindevaluatie na 6 maanden"),
            (Todo.EXIT, 0, PLANNED_END, None, ""),
        ],
        reviews=(13, 13),
        follow_up_weeks="2",  # the closing phone call (two weeks: assumption)
        published=Published(
            completed=0.75,
            dropped_out=0.10,
            first_drop_out_reason="health",
            work_ready=0.30,
            work_ready_destinations=("article_60", "job", "self_employment"),
            average_months=9,
            assumed=("completed", "dropped_out", "first_drop_out_reason"),
        ),
        length_sd_months=2.5,
        drop_out_reasons=[
            ("health", 45),
            ("moved", 20),
            ("work", 10),
            ("lost_contact", 20),
            ("other", 5),
        ],
        destinations=[
            ("article_60", 22),
            ("job", 8),
            ("volunteering", 20),
            ("other_service", 20),
            ("job_seeker", 18),
            ("training", 12),
        ],
        placement_chances=(0.5, 0.3),
        placement_kinds=[("volunteering", 90), ("job_tasting", 10)],
        assumptions=[
            "completion 75 % and drop-out 10 % (health first): the common figures, not AMIE's own",
            "intake with a social interpreter for 7 in 10",
            "the closing phone call two weeks after the exit",
        ],
    ),
    Design(
        org="OCMW Gent",
        city="Gent",
        code="interactief",
        name="Interactief!",
        description="Modules naar keuze: OCMW Go, individuele begeleiding, VIA en M.I., met een initiatiestage die naar artikel 60 kan leiden.",
        language="nl",
        sites=["Activeringscentrum", "Sociaal huis Ledeberg", "Sociaal huis Brugse Poort"],
        entry_mode=Programme.EntryMode.CONTINUOUS,
        planned_months=9,
        criteria=[
            (Kind.JUDGEMENT, "Afstand tot de arbeidsmarkt", None),
            (Kind.JUDGEMENT, "Zwakke taalvaardigheid", None),
            (Kind.MIN_LANGUAGE_LEVEL, "", "1.1"),
        ],
        modules=[
            (Module.Kind.WELCOME, "OCMW Go", "één dag", 6, 1),
            (Module.Kind.INDIVIDUAL, "Individuele begeleiding", "op afspraak", None, None),
            (Module.Kind.PRE_ACTIVATION, "VIA", "twee halve dagen per week", 7, 13),
            (Module.Kind.GROUP, "M.I. — maatschappelijke integratie", "wekelijks", 3, None),
        ],
        partners=[
            ("Kringwinkel Gent", "vrijwilligerswerk, kringwinkel", False, True, False),
            ("Fietsatelier De Ketting", "vrijwilligerswerk, fietsherstelling", False, True, False),
            ("Agentschap Integratie en Inburgering", "lessen Nederlands", True, False, True),
            ("CGG Eclips", "traumatherapie met tolk", True, False, False),
            ("CAW Oost-Vlaanderen", "schuldbemiddeling en huisvesting", True, False, False),
        ],
        staff=[
            ("katrien.devos", "Katrien", "De Vos", Staff.Role.MANAGER),
            ("pieter.claes", "Pieter", "Claes", Staff.Role.COACH),
            ("noor.haddad", "Noor", "Haddad", Staff.Role.COACH),
            ("beheer.gent", "Wim", "Goossens", Staff.Role.ADMINISTRATOR),
        ],
        districts=["Ledeberg", "Brugse Poort", "Sint-Amandsberg", "Nieuw Gent"],
        tracks=[
            Track(
                module="OCMW Go",
                kind="information_session",
                topics=("OCMW Go: diensten, rechten en plichten",),
                weekdays=(0,),
                hour=9,
                hours=6,
                capacity=16,
                weeks=0,
                banding="mixed",
            ),
            Track(
                module="VIA",
                kind="workshop",
                topics=(
                    "VIA: kennismaken en doelen",
                    "VIA: vaardigheden in kaart brengen",
                    "VIA: oefening in groep",
                    "VIA: voorbereiding snuffelstage",
                    "VIA: terugblik snuffelstage",
                    "VIA: aanbevolen volgende stap",
                ),
                weekdays=(1, 3),
                hour=9,
                hours=3,
                coaches=2,
                share=0.5,
                delay_days=(14, 42),
                weeks=13,
                banding="mixed",
            ),
            Track(
                module="M.I. — maatschappelijke integratie",
                kind="language_practice",
                topics=(
                    "M.I.: naar de dokter",
                    "M.I.: op de bus",
                    "M.I.: brieven lezen",
                    "M.I.: de school van de kinderen",
                    "M.I.: boodschappen doen",
                ),
                weekdays=(2,),
                hour=13,
                hours=3,
                literacy=("none", "limited"),
                share=0.9,
                delay_days=(7, 21),
                banding="mixed",
            ),
        ],
        talks=((None, (14, 28)),),  # assumption: by appointment, about fortnightly
        min_level="a1",  # Dutch at least 1.1
        module_path=Programme.ModulePath.CHOSEN,  # "modules, not linear: picked per person"
        # Referred to "work and activation" (those who follow VIA): an activation coach beside
        # the social worker, from the day they join VIA.
        co_coach=("VIA", "activation_coach"),
        placement_modules=(("job_tasting", "VIA"),),
        intake_support=(("mediator", 0.3), ("interpreter", 0.15)),
        max_mother_tongue_share=40,
        origins={
            "SY": 12,
            "IQ": 6,
            "ER": 14,
            "AF": 16,
            "IR": 8,
            "TR": 12,
            "YE": 3,
            "SD": 5,
            "CN": 6,
            "SO": 8,
            "UA": 10,
        },
        template=[
            (Todo.BASELINE, 2, START, None, ""),
            (Todo.LANGUAGE_TEST, 2, START, None, ""),
            (Todo.INTAKE_FOLLOW_UP, 4, START, None, "Modules kiezen met de deelnemer"),
            (Todo.MIDWAY, 13, START, 13, ""),
            (Todo.EXIT, 0, PLANNED_END, None, ""),
        ],
        reviews=(13, 13),
        follow_up_weeks="4, 13, 26",  # the social worker stays available
        published=Published(
            completed=0.75,
            dropped_out=0.10,
            first_drop_out_reason="health",
            work_ready=0.31,
            work_ready_destinations=("job",),
            average_months=9,
            assumed=("completed", "dropped_out", "first_drop_out_reason", "average_months"),
        ),
        drop_out_reasons=[
            ("health", 40),
            ("moved", 15),
            ("work", 20),
            ("lost_contact", 20),
            ("other", 5),
        ],
        destinations=[
            ("job", 31),
            ("article_60", 14),
            ("training", 15),
            ("volunteering", 12),
            ("job_seeker", 18),
            ("other_service", 10),
        ],
        placement_chances=(0.7, 0.5, 0.3),
        placement_kinds=[("job_tasting", 35), ("internship", 35), ("volunteering", 30)],
        placement_outcomes=[
            ("article_60", 30),
            ("continued", 20),
            ("job", 15),
            ("training", 10),
            ("stopped", 20),
            ("other", 5),
        ],
        assumptions=[
            "planned length 9 months",
            "talks about fortnightly",
            "intake with a mediator for 3 in 10, an interpreter for 15 in 100",
            "completion 75 % and drop-out 10 %: the common figures",
        ],
    ),
    Design(
        org="CPAS de Charleroi",
        city="Charleroi",
        code="activ-up",
        name="ACTIV UP!",
        description="Accompagnement individuel toutes les trois semaines et collectif tous les quinze jours, volontariat à la maison de repos et à la banque alimentaire.",
        language="fr",
        sites=["Antenne Centre", "Antenne Marcinelle", "Antenne Gilly"],
        entry_mode=Programme.EntryMode.CONTINUOUS,
        planned_months=12,
        criteria=[
            (Kind.MIN_AGE, "", 18),
            (Kind.JUDGEMENT, "Perte d'autonomie ou stress important", None),
        ],
        modules=[
            (Module.Kind.INDIVIDUAL, "Suivi individuel", "toutes les trois semaines", None, None),
            (Module.Kind.GROUP, "Coaching collectif", "tous les quinze jours, 3 heures", 1.5, None),
            (
                Module.Kind.INFORMATION,
                "Séances d'information",
                "deux matinées par semaine",
                4,
                None,
            ),
            (Module.Kind.WORKSHOP, "Ateliers de pratique du français", "hebdomadaire", 3, None),
            (
                Module.Kind.OTHER,
                "Volontariat dans un service du CPAS",
                "selon le projet",
                None,
                None,
            ),
            (Module.Kind.SOCIO_PROFESSIONAL, "START", "hebdomadaire", 3, 12),
            (Module.Kind.EXCURSION, "Activités et excursions", "mensuel", None, None),
        ],
        partners=[
            ("Maison de repos du CPAS", "volontariat", False, True, False),
            ("Banque alimentaire de Charleroi", "volontariat", False, True, False),
            ("Lire et Écrire Charleroi", "cours d'alphabétisation", True, False, True),
            (
                "Service de santé mentale Le Méridien",
                "thérapie du trauma dans la langue maternelle",
                True,
                False,
                False,
            ),
            ("Droit des étrangers Charleroi", "aide juridique sur le séjour", True, False, False),
        ],
        staff=[
            ("isabelle.lambert", "Isabelle", "Lambert", Staff.Role.MANAGER),
            ("marc.dupont", "Marc", "Dupont", Staff.Role.COACH),
            ("fatima.benali", "Fatima", "Benali", Staff.Role.COACH),
            ("admin.charleroi", "Luc", "Martin", Staff.Role.ADMINISTRATOR),
        ],
        districts=["Marcinelle", "Gilly", "Jumet", "Marchienne"],
        tracks=[
            Track(
                module="Coaching collectif",
                kind="collective_coaching",
                topics=(
                    "Coaching collectif : vivre ensemble",
                    "Coaching collectif : mon projet",
                    "Coaching collectif : la confiance en soi",
                ),
                weekdays=(3,),
                hour=9,
                hours=3,
                every_weeks=2,
            ),
            Track(
                module="Séances d'information",
                kind="information_session",
                topics=(
                    "Info : droits et devoirs",
                    "Info : la santé",
                    "Info : le logement",
                    "Info : l'énergie",
                    "Info : la mobilité",
                    "Info : le volontariat",
                ),
                weekdays=(0, 2),
                hour=9,
                hours=2,
                capacity=20,
                share=0.7,
                banding="mixed",
            ),
            Track(
                module="Ateliers de pratique du français",
                kind="language_practice",
                topics=("Atelier de français : parler", "Atelier de français : lire"),
                weekdays=(1,),
                hour=9,
                hours=3,
                levels=("pre_a1", "a1", "a2"),
                share=0.8,
                delay_days=(7, 28),
            ),
            Track(
                module="START",
                kind="workshop",
                topics=("START : mon parcours", "START : les métiers", "START : la formation"),
                weekdays=(4,),
                hour=9,
                hours=3,
                share=0.4,
                joins="end",
                weeks=12,
                banding="mixed",
            ),
            Track(
                module="Activités et excursions",
                kind="excursion",
                topics=(
                    "Sortie : Bruxelles",
                    "Sortie : un parc",
                    "Sortie : le théâtre",
                    "Sortie : la nature",
                    "Voyage annuel dans les Ardennes",
                ),
                weekdays=(4,),
                hour=13,
                hours=4,
                every_weeks=4,
                capacity=30,
                banding="mixed",
            ),
        ],
        talks=((None, (19, 23)),),  # every three weeks
        # Modules 1 (French) and 2 (volunteering); START, module 3, runs as the final phase in
        # sub-groups (the last twelve weeks). Collective coaching, information sessions and
        # outings accompany the whole trajectory: no phase.
        phases=(
            Phase(
                "Modules 1 et 2",
                ("Ateliers de pratique du français", "Volontariat dans un service du CPAS"),
            ),
            Phase(
                "Phase finale en sous-groupes",
                ("START",),
                None,
                12,
                "START : information socioprofessionnelle et formation.",
            ),
        ),
        # Collective coaching, information sessions and outings run beside modules 1 to 3
        # for the whole trajectory: the plan is the person's, not one order for everyone.
        module_path=Programme.ModulePath.CHOSEN,
        # "Evaluation at the start, during and at the end of each module" (modules 1 to 3).
        evaluated_modules=(
            ("Ateliers de pratique du français", Module.EvaluatedAt.START_MIDDLE_END),
            ("Volontariat dans un service du CPAS", Module.EvaluatedAt.START_MIDDLE_END),
            ("START", Module.EvaluatedAt.START_MIDDLE_END),
        ),
        intake_support=(("interpreter", 0.3),),  # assumption
        template=[
            (Todo.BASELINE, 2, START, None, "Évaluation de début de module"),
            (Todo.LANGUAGE_TEST, 2, START, None, ""),
            (Todo.INTAKE_FOLLOW_UP, 4, START, None, ""),
            (Todo.MIDWAY, 8, START, 8, "Évaluation en cours de module ; objectifs redéfinis"),
            (Todo.EXIT, 0, PLANNED_END, None, "Évaluation de fin (retour de l'assistant social)"),
        ],
        reviews=(8, 8),  # start, during and end of each module (eight weeks: assumption)
        follow_up_weeks="4, 13",  # assumption
        published=Published(
            completed=0.75,
            dropped_out=0.10,
            first_drop_out_reason="health",
            work_ready=0.20,
            work_ready_destinations=("article_60", "job", "self_employment"),
            average_months=12,
            assumed=("work_ready", "average_months"),
        ),
        length_sd_months=3.0,
        drop_out_reasons=[
            ("health", 60),
            ("moved", 10),
            ("work", 5),
            ("lost_contact", 20),
            ("other", 5),
        ],
        destinations=[
            ("article_60", 15),
            ("job", 5),
            ("volunteering", 35),
            ("training", 15),
            ("other_service", 20),
            ("job_seeker", 10),
        ],
        placement_chances=(0.8, 0.4),
        placement_kinds=[("volunteering", 100)],
        placement_outcomes=[
            ("continued", 35),
            ("article_60", 30),
            ("stopped", 20),
            ("training", 10),
            ("other", 5),
        ],
        assumptions=[
            "planned length 12 months",
            "work-ready 20 %",
            "intake with an interpreter for 3 in 10",
            "reviews every eight weeks",
            "follow-up calls at 4 and 13 weeks",
        ],
    ),
    Design(
        org="CPAS de Liège",
        city="Liège",
        code="mod-actions",
        name="MOD'ACTIONS",
        description="Ouvert à tous : orientation individuelle, ateliers thématiques et sorties culturelles.",
        language="fr",
        sites=["Antenne des personnes d'origine étrangère", "Antenne Sainte-Marguerite"],
        entry_mode=Programme.EntryMode.CONTINUOUS,
        planned_months=9,
        criteria=[],
        modules=[
            (
                Module.Kind.INDIVIDUAL,
                "Orientation exploratoire",
                "intensif, 4 à 6 semaines",
                None,
                6,
            ),
            (Module.Kind.WORKSHOP, "Groupe alpha", "deux matinées par semaine", 6, None),
            (Module.Kind.WORKSHOP, "Groupe alpha avancé", "deux après-midi par semaine", 6, None),
            (Module.Kind.WORKSHOP, "Groupe informatique", "hebdomadaire", 3, None),
            (Module.Kind.WORKSHOP, "Groupe art", "hebdomadaire", 3, None),
            (Module.Kind.WORKSHOP, "Groupe réalisation de projets", "hebdomadaire", 3, None),
            (Module.Kind.EXCURSION, "Sorties culturelles", "toutes les quatre semaines", 4, None),
            (
                Module.Kind.INDIVIDUAL,
                "Suivi individuel",
                "toutes les trois à cinq semaines",
                None,
                None,
            ),
        ],
        partners=[
            ("Aide juridique Liège", "aide juridique", True, False, False),
            ("Cours de français du CRIPEL", "cours de français", True, False, True),
            ("Service de santé mentale Exil", "soutien aux victimes de trauma", True, False, False),
            ("Restos du Cœur de Liège", "volontariat en cuisine", False, True, False),
            (
                "Ressourcerie du Pays de Liège",
                "volontariat, magasin de seconde main",
                False,
                True,
                False,
            ),
        ],
        staff=[
            ("claire.renard", "Claire", "Renard", Staff.Role.MANAGER),
            ("olivier.gilles", "Olivier", "Gilles", Staff.Role.COACH),
            ("amina.diallo", "Amina", "Diallo", Staff.Role.COACH),
            ("admin.liege", "Paul", "Henrard", Staff.Role.ADMINISTRATOR),
        ],
        districts=["Sainte-Marguerite", "Droixhe", "Angleur", "Bressoux"],
        tracks=[
            Track(
                module="Groupe alpha",
                kind="language_practice",
                topics=(
                    "Alpha : les lettres",
                    "Alpha : lire les horaires",
                    "Alpha : écrire son nom",
                ),
                weekdays=(0, 1),
                hour=9,
                hours=3,
                levels=("pre_a1",),
                joins="orientation",
                banding="level_schooling",
            ),
            Track(
                module="Groupe alpha avancé",
                kind="language_practice",
                topics=("Alpha avancé : les courriers", "Alpha avancé : remplir un formulaire"),
                weekdays=(0, 1),
                hour=13,
                hours=3,
                levels=("a1",),
                joins="orientation",
                banding="level_schooling",
            ),
            Track(
                module="Groupe informatique",
                kind="workshop",
                topics=(
                    "Informatique : la banque en ligne",
                    "Informatique : prendre rendez-vous",
                    "Informatique : acheter un billet de train",
                ),
                weekdays=(2,),
                hour=9,
                hours=3,
                share=0.6,
                joins="orientation",
                banding="mixed",
            ),
            Track(
                module="Groupe art",
                kind="workshop",
                topics=("Atelier art",),
                weekdays=(3,),
                hour=9,
                hours=3,
                share=0.4,
                joins="orientation",
                banding="mixed",
            ),
            Track(
                module="Groupe réalisation de projets",
                kind="workshop",
                topics=("Projet : choisir", "Projet : préparer", "Projet : réaliser"),
                weekdays=(3,),
                hour=13,
                hours=3,
                levels=("a2", "b1", "b2", "c1"),
                share=0.8,
                joins="orientation",
                banding="mixed",
            ),
            Track(
                module="Sorties culturelles",
                kind="excursion",
                topics=("Sortie : le Parlement", "Sortie : le cinéma", "Sortie : un musée"),
                weekdays=(4,),
                hour=13,
                hours=4,
                every_weeks=4,
                capacity=30,
                joins="orientation",
                delay_days=(14, 42),  # after trying the workshops
                banding="mixed",
            ),
        ],
        talks=((42, (3, 5)), (None, (21, 35))),  # intensive orientation, then every 3–5 weeks
        orientation_days=(28, 42),
        phases=(
            Phase(
                "Orientation exploratoire",
                ("Orientation exploratoire",),
                4,
                6,
                "Individuelle et intensive : accueil, motivation, répartition en groupes.",
            ),
            Phase(
                "Approche collective",
                (
                    "Groupe alpha",
                    "Groupe alpha avancé",
                    "Groupe informatique",
                    "Groupe art",
                    "Groupe réalisation de projets",
                ),
                description="Ateliers thématiques, à essayer une ou deux fois d'abord.",
            ),
            Phase(
                "Approche culturelle",
                ("Sorties culturelles",),
                description="Sorties toute l'année, qui mêlent les groupes.",
            ),
        ),
        # Workshops chosen after the orientation, each tried once or twice first.
        module_path=Programme.ModulePath.CHOSEN,
        trial_sessions=(
            ("Groupe informatique", 2),
            ("Groupe art", 2),
            ("Groupe réalisation de projets", 2),
        ),
        intake_support=(("interpreter", 0.3),),  # assumption
        template=[
            (Todo.BASELINE, 2, START, None, ""),
            (Todo.LANGUAGE_TEST, 1, START, None, "Test de niveau (répartition en groupes)"),
            (Todo.INTAKE_FOLLOW_UP, 6, START, None, "Fin de l'orientation : choix des ateliers"),
            (Todo.MIDWAY, 13, START, 13, ""),
            (Todo.EXIT, 0, PLANNED_END, None, ""),
        ],
        reviews=(13, 13),  # assumption
        follow_up_weeks="4, 26",  # assumption
        published=Published(
            completed=0.80,
            dropped_out=0.10,
            first_drop_out_reason="health",
            work_ready=0.15,
            work_ready_destinations=("article_60", "job", "self_employment"),
            average_months=9,
            assumed=("dropped_out", "first_drop_out_reason", "work_ready", "average_months"),
        ),
        drop_out_reasons=[
            ("health", 40),
            ("moved", 20),
            ("work", 10),
            ("lost_contact", 25),
            ("other", 5),
        ],
        destinations=[
            ("training", 25),
            ("volunteering", 25),
            ("other_service", 25),
            ("job", 5),
            ("article_60", 10),
            ("job_seeker", 10),
        ],
        placement_chances=(0.4, 0.2),
        placement_kinds=[("volunteering", 100)],
        assumptions=[
            "planned length 9 months",
            "drop-out 10 % (health first)",
            "work-ready 15 %",
            "intake with an interpreter for 3 in 10",
            "quarterly reviews",
            "follow-up calls at 4 and 26 weeks",
        ],
    ),
    Design(
        org="CPAS de Bruxelles",
        city="Bruxelles",
        code="move-up",
        name="MOVE UP!",
        description="Module collectif intensif d'au moins 21 heures par semaine, suivi individuel et préparation socioprofessionnelle.",
        language="fr",
        sites=["Département formation", "Antenne Laeken"],
        entry_mode=Programme.EntryMode.COHORT,
        planned_months=6,
        criteria=[
            (Kind.JUDGEMENT, "Objectifs compatibles avec le module (entretien d'orientation)", None)
        ],
        modules=[
            (Module.Kind.COLLECTIVE, "Module collectif", "au moins 21 heures par semaine", 21, 26),
            (Module.Kind.INDIVIDUAL, "Suivi individuel", "au moins trimestriel", None, None),
            (
                Module.Kind.SOCIO_PROFESSIONAL,
                "Préparation socioprofessionnelle",
                "hebdomadaire",
                6,
                12,
            ),
        ],
        partners=[
            ("Centre de santé mentale Ulysse", "thérapie du trauma", True, False, False),
            (
                "Médiation de dettes CPAS",
                "ateliers énergie, budget, banque, assurances",
                True,
                False,
                True,
            ),
            ("Bibliothèque des Riches Claires", "ateliers bibliothèque", False, False, True),
            ("Maison de repos Les Églantines", "volontariat", False, True, False),
            ("Cyclo — atelier vélo", "volontariat, réparation de vélos", False, True, False),
            ("Agence immobilière sociale", "logement", True, False, False),
        ],
        staff=[
            ("manager", "Nathalie", "Dubois", Staff.Role.MANAGER),
            ("coach", "Sophie", "Leroy", Staff.Role.COACH),
            ("karim.ouali", "Karim", "Ouali", Staff.Role.COACH),
            ("julie.mertens", "Julie", "Mertens", Staff.Role.COACH),
            ("admin", "Thomas", "Lemaire", Staff.Role.ADMINISTRATOR),
        ],
        districts=["Laeken", "Neder-Over-Heembeek", "Haren", "Marolles"],
        tracks=[
            Track(
                module="Module collectif",
                kind="collective_coaching",
                topics=(
                    "Citoyenneté : égalité femmes-hommes",
                    "Citoyenneté : droits et devoirs",
                    "Vie quotidienne : les transports en commun",
                    "Vie quotidienne : les papiers",
                    "Se présenter",
                    "Santé et alimentation",
                    "Famille et éducation",
                    "Les institutions belges",
                    "Médiation de dettes : l'énergie",
                    "Atelier bibliothèque",
                    "Ciné-club",
                    "Atelier numérique",
                    "Patrimoine : visite d'un musée",
                ),
                weekdays=(0, 1, 2),
                hour=9,
                hours=7,
                banding="level_schooling",
            ),
            Track(
                module="Préparation socioprofessionnelle",
                kind="workshop",
                topics=(
                    "Préparation : formations qualifiantes",
                    "Préparation : mon CV",
                    "Préparation : visite d'un centre de formation",
                ),
                weekdays=(3,),
                hour=9,
                hours=6,
                share=0.7,
                joins="end",
                weeks=12,
                banding="level_schooling",
            ),
        ],
        talks=((91, (21, 35)), (None, (60, 85))),  # monthly, then at least quarterly once stable
        cohorts=((1, 15), (4, 15), (9, 1)),  # assumption: three cohorts a year
        # Collective module, then individual follow-up and socio-professional preparation.
        module_path=Programme.ModulePath.SEQUENCE,
        phases=(
            Phase(
                "Module collectif", ("Module collectif",), 24, 26, "Au moins 21 heures par semaine."
            ),
            Phase("Suivi individuel", ("Suivi individuel",)),
            Phase(
                "Préparation socioprofessionnelle",
                ("Préparation socioprofessionnelle",),
                None,
                12,
                "Vers une formation qualifiante ou l'emploi.",
            ),
        ),
        intake_support=(),  # the team works without interpreters
        min_hours_per_week=21,
        template=[
            (Todo.LANGUAGE_TEST, 0, START, None, "Test de langue (oral, lecture, écriture)"),
            (Todo.BASELINE, 2, START, None, ""),
            (Todo.MIDWAY, 13, START, 13, "Entretien trimestriel"),
            (Todo.EXIT, 0, PLANNED_END, None, "Bilan socioprofessionnel et prochaine étape"),
        ],
        reviews=(13, 13),  # quarterly interview
        follow_up_weeks="4, 13, 26",  # "just to ask how you are"
        published=Published(
            completed=0.65,
            dropped_out=0.20,
            first_drop_out_reason="health",
            work_ready=0.20,
            work_ready_destinations=("article_60", "job", "self_employment"),
            average_months=8,
            assumed=("dropped_out", "first_drop_out_reason", "work_ready", "average_months"),
        ),
        length_sd_months=1.5,
        drop_out_reasons=[
            ("health", 40),
            ("moved", 15),
            ("work", 15),
            ("lost_contact", 25),
            ("other", 5),
        ],
        destinations=[
            ("training", 35),
            ("job", 10),
            ("article_60", 10),
            ("job_seeker", 20),
            ("other_service", 15),
            ("volunteering", 10),
        ],
        placement_chances=(0.3,),
        placement_kinds=[("job_tasting", 50), ("internship", 30), ("volunteering", 20)],
        assumptions=[
            "planned length 6 months (the collective module), 8 on average",
            "three cohorts a year (mid-January, mid-April, September)",
            "drop-out 20 % (health first)",
            "work-ready 20 %",
        ],
    ),
]
