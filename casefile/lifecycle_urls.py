from django.urls import path

from casefile import lifecycle_views as views

app_name = "lifecycle"
urlpatterns = [
    path("enrolments/<int:pk>/status/<slug:to>/", views.enrolment_status, name="enrolment-status"),
    path("enrolments/<int:pk>/exit/", views.exit_review, name="exit"),
    path("enrolments/<int:pk>/transfer/", views.enrolment_transfer, name="transfer"),
    path("groups/<int:pk>/join/", views.group_join, name="group-join"),
]
