from django.urls import path

from programme import auth_views

app_name = "account"
urlpatterns = [
    path("two-factor/setup/", auth_views.two_factor_setup, name="two-factor-setup"),
    path("two-factor/verify/", auth_views.verify, name="verify"),
]
