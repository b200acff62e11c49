"""The local language scales a programme may use beside the CEFR (NT2 in Flanders, FLE in
Wallonia and Brussels), each step with the CEFR level it roughly matches
(FUNDER-INDICATORS.md). On this floor because a programme names its scale and an eligibility
criterion may ask for a level of it; the assessments (evaluations) record levels on them."""

# Local scales, with the CEFR level each step roughly matches (FUNDER-INDICATORS.md).
LOCAL_SCALES = {
    "nt2": [
        ("alfa", "Alfa", "pre_a1"),
        ("1.1", "1.1", "a1"),
        ("1.2", "1.2", "a2"),
        ("2", "2", "b1"),
        ("3", "3", "b2"),
        ("4", "4", "c1"),
    ],
    "fle": [
        ("alpha", "Alpha", "pre_a1"),
        ("fle_a1", "FLE A1", "a1"),
        ("fle_a2", "FLE A2", "a2"),
        ("fle_b1", "FLE B1", "b1"),
        ("fle_b2", "FLE B2", "b2"),
        ("fle_c1", "FLE C1", "c1"),
    ],
}
LOCAL_LEVEL_CHOICES = [
    (code, label) for steps in LOCAL_SCALES.values() for code, label, _cefr in steps
]
# Local level code -> (scale, label, the CEFR level it roughly matches).
LOCAL_LEVELS = {
    code: (scale, label, cefr)
    for scale, steps in LOCAL_SCALES.items()
    for code, label, cefr in steps
}
# The language each local scale measures: an NT2 level says nothing about someone's French.
SCALE_LANGUAGE = {"nt2": "nl", "fle": "fr"}


def scale_rank(scale: str, code: str) -> int | None:
    """The position of a level on its scale (0 for the literacy step), None when the level is
    not on that scale."""
    codes = [step[0] for step in LOCAL_SCALES.get(scale, [])]
    return codes.index(code) if code in codes else None
