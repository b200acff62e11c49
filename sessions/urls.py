from django.urls import path

from sessions import agenda, attendance_views, feeds, grouping_views, views

app_name = "sessions"
urlpatterns = [
    # Groups, series and sessions
    path("groups/", views.group_list, name="groups"),
    path("groups/new/", views.group_create, name="group-create"),
    path("groups/<int:pk>/", views.group_detail, name="group"),
    path("groups/<int:pk>/members/", views.group_add_members, name="group-add-members"),
    path(
        "groups/<int:pk>/members/<int:participant_pk>/remove/",
        views.group_remove_member,
        name="group-remove-member",
    ),
    path("series/new/", views.series_create, name="series-create"),
    path("series/<int:pk>/", views.series_detail, name="series"),
    path("series/<int:pk>/extend/", views.series_extend, name="series-extend"),
    path("series/<int:pk>/change/", views.series_change, name="series-change"),
    path("sessions/new/", views.session_create, name="session-create"),
    path("sessions/<int:pk>/", views.session_detail, name="session"),
    path("sessions/<int:pk>/move/", views.session_move, name="session-move"),
    path("sessions/<int:pk>/cancel/", views.session_cancel, name="session-cancel"),
    path("sessions/<int:pk>/uncancel/", views.session_uncancel, name="session-uncancel"),
    path(
        "sessions/<int:pk>/participants/",
        views.session_add_participants,
        name="session-add-participants",
    ),
    path(
        "sessions/<int:pk>/interpreters/",
        views.session_add_interpreter,
        name="session-add-interpreter",
    ),
    # "I can't come" from the phone, answered by the coach.
    path(
        "absences/<int:pk>/confirm/",
        attendance_views.absence_answer,
        {"answer": "confirm"},
        name="absence-confirm",
    ),
    path(
        "absences/<int:pk>/reject/",
        attendance_views.absence_answer,
        {"answer": "reject"},
        name="absence-reject",
    ),
    path(
        "sessions/<int:pk>/attendance/<int:participant_pk>/",
        views.attendance_record,
        name="attendance-record",
    ),
    path(
        "sessions/<int:pk>/attendance/all-present/",
        views.attendance_all_present,
        name="attendance-all-present",
    ),
    # Grouping the waiting list
    path("programmes/<int:pk>/grouping/", grouping_views.grouping_proposal, name="grouping"),
    # Agendas
    path("agenda/", agenda.agenda, name="agenda"),
    path("groups/<int:pk>/schedule/", agenda.group_schedule, name="group-schedule"),
    path("sites/<int:pk>/rooms/", agenda.room_schedule, name="room-schedule"),
    # Calendar feeds
    path("calendar/", feeds.feeds, name="feeds"),
    path("calendar/<slug:token>.ics", feeds.feed, name="feed"),
    path("participants/<int:pk>/calendar/", feeds.participant_feed, name="participant-feed"),
    # Attendance across sessions
    path("attendance/attention/", attendance_views.needs_attention, name="attention"),
    path("attendance/hours/", attendance_views.hours, name="hours"),
]
