"""How long free text may be, for every field a person types into (forms, the API, the admin).

Two sizes, so the same kind of text has the same room everywhere: a reason, a comment or a
short description fits in NOTE; the notes of an interview, an evaluation or a session in
LONG_NOTE. One-line labels and names are CharFields of 200 (or less) already. The limits keep
a participant's record PDF (rights.record) quick to render: its time grows with the text.
"""

# About a page of typed text.
NOTE = 2_000
# About two and a half pages.
LONG_NOTE = 5_000
