"""Signing in with a user name and a password, as Django's ModelBackend does it; only the user
of a signed-in session comes with their staff record and its organisation. Every staff page
reads both (the access helpers, the header), so loading them with the user spares each request
two queries."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class StaffModelBackend(ModelBackend):
    def get_user(self, user_id):
        user_model = get_user_model()
        try:
            # The join is an outer one: a user without a staff record still signs in.
            user = user_model._default_manager.select_related("staff__organisation").get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
