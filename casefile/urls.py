from django.urls import path

from casefile import intake_views, modules, views

app_name = "casefile"
urlpatterns = [
    path("today/", views.today, name="today"),
    path("attention/", views.attention, name="attention"),
    path("cohorts/<int:pk>/", views.cohort_detail, name="cohort"),
    path("enrolments/<int:pk>/modules/", modules.module_choose, name="module-choose"),
    path("planned-modules/<int:pk>/start/", modules.module_start, name="module-start"),
    path("planned-modules/<int:pk>/finish/", modules.module_finish, name="module-finish"),
    path("planned-modules/<int:pk>/stop/", modules.module_stop, name="module-stop"),
]

# The participant file, the enrolment page and the to-do list keep their addresses and names
# (participants:detail, participants:enrolment, participants:todos), which every app links to:
# config/urls.py routes them under the participants app's name, beside its own routes.
participant_urlpatterns = [
    path("participants/<int:pk>/", views.participant_file, name="detail"),
    path("enrolments/<int:pk>/", views.enrolment_detail, name="enrolment"),
    path("todos/", views.todo_list, name="todos"),
    path(
        "enrolments/<int:pk>/intake/eligibility/",
        intake_views.intake_eligibility,
        name="intake-eligibility",
    ),
]
