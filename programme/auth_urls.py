from django.urls import path

from programme import auth_views

app_name = "account"
urlpatterns = [
    path("two-factor/setup/", auth_views.two_factor_setup, name="two-factor-setup"),
    path("two-factor/verify/", auth_views.verify, name="verify"),
    path("invite/<uidb64>/<token>/", auth_views.invitation, name="invitation"),
    # Before django.contrib.auth.urls in config/urls.py, so this view answers Django's
    # "password_reset" address: the reset link also reaches colleagues who never chose a
    # password, is rate-limited, and a failed mail is said.
    path("password_reset/", auth_views.password_reset, name="password-reset"),
    path("team/", auth_views.team, name="team"),
    path("team/<int:pk>/manager/", auth_views.grant_manager, name="grant-manager"),
]
