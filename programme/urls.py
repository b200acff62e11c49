from django.urls import path

from programme import views

app_name = "programme"
urlpatterns = [
    path("", views.programme_list, name="list"),
    path("<int:pk>/", views.programme_detail, name="detail"),
    path("api-keys/", views.api_keys, name="api-keys"),
    path("api-keys/<int:pk>/revoke/", views.api_key_revoke, name="api-key-revoke"),
    path("api-keys/organisation/", views.organisation_api_keys, name="organisation-api-keys"),
    path(
        "api-keys/organisation/<int:pk>/revoke/",
        views.organisation_api_key_revoke,
        name="organisation-api-key-revoke",
    ),
]
