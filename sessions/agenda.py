"""agenda"""

urlpatterns = []
