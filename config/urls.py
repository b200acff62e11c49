from django.contrib import admin
from django.urls import include, path

from ops.views import healthz
from programme.views import home

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("programme.auth_urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("programmes/", include("programme.urls")),
    path("", include("participants.urls")),
    path("", include("evaluations.urls")),
    path("", include("casefile.lifecycle_urls")),
    path("", include("sessions.urls")),
    path("", include("reports.urls")),
    path("", include("portal.urls")),
    path("", include("rights.urls")),
    path("api/", include("config.api")),
    path("admin/", admin.site.urls),
]
