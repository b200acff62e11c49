from django.urls import path, re_path

from portal import staff_views, views

app_name = "portal"

urlpatterns = [
    # The participant's phone: short addresses, typed from paper now and then.
    path("p/", views.start, name="start"),
    path("p/pin/", views.pin, name="pin"),
    path("p/home/", views.home, name="home"),
    path("p/sessions/", views.sessions, name="sessions"),
    path("p/sessions/<int:pk>.ics", views.session_ics, name="session-ics"),
    path("p/sessions/<int:pk>/cant-come/", views.cant_come, name="cant-come"),
    path("p/text-messages/", views.text_messages, name="text-messages"),
    path("p/calendar/", views.calendar, name="calendar"),
    path("p/steps/<int:pk>/done/", views.step_done, name="step-done"),
    path("p/steps/<int:pk>/undo/", views.step_undone, name="step-undo"),
    path("p/evaluation/<int:pk>/", views.self_assessment, name="self-assessment"),
    path("p/language/", views.language, name="language"),
    path("p/signout/", views.sign_out, name="sign-out"),
    path("p/rooms/<int:pk>/photo/", views.room_photo, name="room-photo"),
    path("p/sw.js", views.service_worker, name="service-worker"),
    path("p/status/", views.status, name="status"),
    path("p/manifest.webmanifest", views.manifest, name="manifest"),
    path("p/offline/", views.offline, name="offline"),
    re_path(r"^p/(?P<code>[0-9A-Za-z]{12})/?$", views.open_code, name="open"),
    # The coach's side.
    path("participants/<int:pk>/portal/", staff_views.portal_access, name="staff-access"),
    path("participants/<int:pk>/portal/handout/", staff_views.handout, name="staff-handout"),
    path(
        "participants/<int:pk>/portal/translate/",
        staff_views.translate,
        name="staff-translate",
    ),
]
