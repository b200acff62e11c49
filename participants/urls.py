from django.urls import path

from participants import consent_views, funder_views, import_views, todo_views, views

app_name = "participants"
urlpatterns = [
    path("participants/", views.caseload, name="caseload"),
    path("participants/new/", views.participant_create, name="create"),
    path("participants/pick/", views.participant_pick, name="pick"),
    # participants/<int:pk>/ ("detail"), the participant file, is composed in casefile, which
    # shows the apps above this one too; config/urls.py routes it under this app's name.
    path("participants/<int:pk>/edit/", views.participant_edit, name="edit"),
    path("participants/<int:pk>/refer/", views.enrolment_refer, name="refer"),
    path("enrolments/<int:pk>/", views.enrolment_detail, name="enrolment"),
    path("todos/", todo_views.todo_list, name="todos"),
    path("todos/<int:pk>/done/", todo_views.todo_done, name="todo-done"),
    path("enrolments/<int:pk>/todos/add/", todo_views.todo_add, name="todo-add"),
    path("enrolments/<int:pk>/intake/start/", views.intake_start, name="intake-start"),
    path(
        "enrolments/<int:pk>/intake/eligibility/",
        views.intake_eligibility,
        name="intake-eligibility",
    ),
    path("enrolments/<int:pk>/intake/interview/", views.intake_interview, name="intake-interview"),
    path("enrolments/<int:pk>/intake/decision/", views.intake_decision, name="intake-decision"),
    path("participants/<int:pk>/consents/", consent_views.consents, name="consents"),
    path("consents/<int:pk>/withdraw/", consent_views.consent_withdraw, name="consent-withdraw"),
    *import_views.urlpatterns,
    *funder_views.urlpatterns,
]
