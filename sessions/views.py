"""Groups, series and sessions pages."""

urlpatterns = []
