"""attendance_views"""

urlpatterns = []
