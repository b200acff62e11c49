from django.conf import settings


def staff_languages(request):
    """The languages the staff pages offer: settings.LANGUAGES also lists the portal's."""
    return {"STAFF_LANGUAGES": [code for code, _name in settings.STAFF_LANGUAGES]}
