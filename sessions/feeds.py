"""feeds"""

urlpatterns = []
