"""Each module of the sessions app keeps its own routes; they are gathered here."""

from sessions import agenda, attendance_views, feeds, grouping_views, views

app_name = "sessions"
urlpatterns = [
    *views.urlpatterns,
    *grouping_views.urlpatterns,
    *agenda.urlpatterns,
    *feeds.urlpatterns,
    *attendance_views.urlpatterns,
]
