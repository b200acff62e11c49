from django.urls import path

from trajectory import views

app_name = "trajectory"
urlpatterns = [
    path("enrolments/<int:pk>/goals/new/", views.goal_add, name="goal-add"),
    path("goals/<int:pk>/edit/", views.goal_edit, name="goal-edit"),
    path("goals/<int:pk>/revise/", views.goal_revise, name="goal-revise"),
    path("goals/<int:pk>/status/<slug:status>/", views.goal_close, name="goal-close"),
    path("goals/<int:pk>/steps/new/", views.step_add, name="step-add"),
    path("steps/<int:pk>/edit/", views.step_edit, name="step-edit"),
    path("steps/<int:pk>/<slug:action>/", views.step_action, name="step-action"),
    path("enrolments/<int:pk>/referrals/new/", views.referral_add, name="referral-add"),
    path("referrals/<int:pk>/status/", views.referral_status, name="referral-status"),
    path("enrolments/<int:pk>/placements/new/", views.placement_add, name="placement-add"),
    path("placements/<int:pk>/edit/", views.placement_edit, name="placement-edit"),
    path("placements/<int:pk>/end/", views.placement_end, name="placement-end"),
]
