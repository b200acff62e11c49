from django.contrib import admin
from django.urls import include, path

import participants.urls
from casefile import urls as casefile_urls
from ops.views import healthz
from programme.views import home

# The participant file, the enrolment page and the to-do list are composed in casefile (above
# the apps they show) but keep the participants: names every app links to.
participant_routes = (
    [*casefile_urls.participant_urlpatterns, *participants.urls.urlpatterns],
    participants.urls.app_name,
)

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("programme.auth_urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("programmes/", include("programme.urls")),
    path("", include(participant_routes)),
    path("", include("trajectory.urls")),
    path("", include("casefile.urls")),
    path("", include("evaluations.urls")),
    path("", include("casefile.lifecycle_urls")),
    path("", include("sessions.urls")),
    path("", include("reports.urls")),
    path("", include("portal.urls")),
    path("", include("rights.urls")),
    path("api/", include("config.api")),
    path("admin/", admin.site.urls),
]

# Under /p/ the "not found" page speaks the participant's language; elsewhere Django's own.
handler404 = "portal.views.page_not_found"
