from django.urls import path

from reports import module_views, views

app_name = "reports"
urlpatterns = [
    path("enrolments/<int:pk>/summary/", views.summary, name="summary"),
    path("enrolments/<int:pk>/summary.pdf", views.summary_pdf, name="summary-pdf"),
    path("reports/dashboard/", views.dashboard_page, name="dashboard"),
    path("reports/dashboard.pdf", views.dashboard_pdf, name="dashboard-pdf"),
    path("reports/dashboard.xlsx", views.dashboard_xlsx, name="dashboard-xlsx"),
    path("reports/funder/", views.funder_page, name="funder"),
    path("reports/funder/snapshots/", views.funder_snapshot_create, name="snapshot-create"),
    path("reports/funder/snapshots/<int:pk>/", views.snapshot_page, name="snapshot"),
    path("reports/funder/snapshots/<int:pk>.pdf", views.snapshot_pdf, name="snapshot-pdf"),
    path("reports/funder/snapshots/<int:pk>.csv", views.snapshot_csv, name="snapshot-csv"),
    path("reports/funder/snapshots/<int:pk>.xlsx", views.snapshot_xlsx, name="snapshot-xlsx"),
    path("reports/people/", views.people, name="people"),
    path("reports/modules/", module_views.modules_report, name="modules"),
    path(
        "reports/funder/programmes/<int:pk>/project-figures/",
        views.project_figures,
        name="project-figures",
    ),
]
