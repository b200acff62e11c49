from django.urls import path

from rights import views

app_name = "rights"

urlpatterns = [
    path("participants/<int:pk>/history/", views.history, name="history"),
    path("participants/<int:pk>/record.json", views.export_json, name="export-json"),
    path("participants/<int:pk>/record.pdf", views.export_pdf, name="export-pdf"),
    path("participants/<int:pk>/erase/", views.erase, name="erase"),
]
