from django.urls import path

from participants import coach_views, consent_views, funder_views, import_views, todo_views, views

app_name = "participants"
urlpatterns = [
    path("participants/", views.caseload, name="caseload"),
    path("participants/new/", views.participant_create, name="create"),
    path("participants/pick/", views.participant_pick, name="pick"),
    # The participant file (participants/<int:pk>/, "detail"), the enrolment page
    # (enrolments/<int:pk>/, "enrolment") and the to-do list (todos/, "todos") are composed in
    # casefile, which shows the apps above this one too; config/urls.py routes them under this
    # app's name.
    path("participants/<int:pk>/edit/", views.participant_edit, name="edit"),
    path("participants/<int:pk>/refer/", views.enrolment_refer, name="refer"),
    path("todos/<int:pk>/done/", todo_views.todo_done, name="todo-done"),
    path("enrolments/<int:pk>/todos/add/", todo_views.todo_add, name="todo-add"),
    path("enrolments/<int:pk>/coaches/add/", coach_views.co_coach_add, name="co-coach-add"),
    path("co-coaches/<int:pk>/end/", coach_views.co_coach_end, name="co-coach-end"),
    path("enrolments/<int:pk>/intake/start/", views.intake_start, name="intake-start"),
    # The eligibility step (enrolments/<int:pk>/intake/eligibility/, "intake-eligibility") is
    # composed in casefile, which reads the language assessments too.
    path("enrolments/<int:pk>/intake/interview/", views.intake_interview, name="intake-interview"),
    path("enrolments/<int:pk>/intake/decision/", views.intake_decision, name="intake-decision"),
    path("participants/import/", import_views.import_upload, name="import"),
    path("participants/import/confirm/", import_views.import_confirm, name="import-confirm"),
    path("participants/import/template.csv", import_views.import_template, name="import-template"),
    path("participants/<int:pk>/funder/", funder_views.funder_facts, name="funder-facts"),
    path("participants/<int:pk>/funder/events/", funder_views.event_add, name="event-add"),
    path(
        "participants/<int:pk>/funder/characteristics/",
        funder_views.characteristics_update,
        name="characteristics-update",
    ),
    path("funder-events/<int:pk>/delete/", funder_views.event_delete, name="event-delete"),
    path("participants/<int:pk>/consents/", consent_views.consents, name="consents"),
    path("consents/<int:pk>/withdraw/", consent_views.consent_withdraw, name="consent-withdraw"),
]
