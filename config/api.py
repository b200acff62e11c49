"""The API's address book: each app's viewsets under /api/, its schema and documentation."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from casefile.api import EnrolmentLifecycleViewSet
from evaluations.api import EvaluationViewSet, FollowUpCallViewSet, LanguageAssessmentViewSet
from participants.api import ParticipantViewSet
from programme.api import ProgrammeViewSet
from sessions.api import AttendanceViewSet, GroupViewSet, SeriesViewSet, SessionViewSet
from trajectory.api import PlacementViewSet, ReferralViewSet

router = DefaultRouter()
router.register("programmes", ProgrammeViewSet, basename="programme")
router.register("participants", ParticipantViewSet, basename="participant")
router.register("enrolments", EnrolmentLifecycleViewSet, basename="enrolment")
router.register("placements", PlacementViewSet, basename="placement")
router.register("referrals", ReferralViewSet, basename="referral")
router.register("language-assessments", LanguageAssessmentViewSet, basename="language-assessment")
router.register("evaluations", EvaluationViewSet, basename="evaluation")
router.register("follow-up-calls", FollowUpCallViewSet, basename="follow-up-call")
router.register("groups", GroupViewSet, basename="group")
router.register("series", SeriesViewSet, basename="series")
router.register("sessions", SessionViewSet, basename="session")
router.register("attendance", AttendanceViewSet, basename="attendance")

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("", include(router.urls)),
]
