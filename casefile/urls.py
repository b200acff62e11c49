from django.urls import path

from casefile import views

app_name = "casefile"
urlpatterns = [
    path("today/", views.today, name="today"),
    path("attention/", views.attention, name="attention"),
]

# The participant file keeps its address and name (participants:detail), which every app
# links to; config/urls.py routes it here, beside the participants app's own routes.
participant_file = path("participants/<int:pk>/", views.participant_file, name="detail")
