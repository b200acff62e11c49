from django.urls import path

from evaluations import views

app_name = "evaluations"
urlpatterns = [
    path("participants/<int:pk>/language/", views.language, name="language"),
]
