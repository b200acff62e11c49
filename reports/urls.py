from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("enrolments/<int:pk>/summary/", views.summary, name="summary"),
    path("enrolments/<int:pk>/summary.pdf", views.summary_pdf, name="summary-pdf"),
]
