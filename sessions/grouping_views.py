"""grouping_views"""

urlpatterns = []
