from django import forms


class StaffChoiceField(forms.ModelChoiceField):
    """Lists staff by their full name rather than their user name."""

    def label_from_instance(self, user):
        return user.get_full_name() or user.get_username()
