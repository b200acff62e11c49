from django.urls import path

from casefile import intake_views, views

app_name = "casefile"
urlpatterns = [
    path("today/", views.today, name="today"),
    path("attention/", views.attention, name="attention"),
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
