from django.urls import path

from evaluations import views

app_name = "evaluations"
urlpatterns = [
    path("participants/<int:pk>/language/", views.language, name="language"),
    # Evaluations with domain scores
    path("enrolments/<int:pk>/evaluations/new/", views.evaluation_new, name="evaluation-new"),
    path("evaluations/<int:pk>/", views.evaluation_detail, name="evaluation"),
    path("evaluations/<int:pk>/edit/", views.evaluation_edit, name="evaluation-edit"),
    path(
        "evaluations/<int:pk>/goal/<slug:domain>/",
        views.evaluation_goal,
        name="evaluation-goal",
    ),
    # Exit and follow-up calls
    path("follow-up-calls/", views.call_queue, name="call-queue"),
    path("follow-up-calls/<int:pk>/", views.follow_up_call, name="call"),
    path("follow-up-calls/<int:pk>/reopen/", views.call_reopen, name="call-reopen"),
]
