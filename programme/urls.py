from django.urls import path

from programme import views

app_name = "programme"
urlpatterns = [
    path("", views.programme_list, name="list"),
    path("<int:pk>/", views.programme_detail, name="detail"),
]
