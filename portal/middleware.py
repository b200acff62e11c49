"""Keeps the two audiences' languages apart. settings.LANGUAGES lists every portal language so
that LocaleMiddleware can activate them, but the staff pages are translated into the staff
languages only: a coach whose browser asks for Arabic gets them in French, Dutch or English,
not half-translated. Portal views choose their language themselves (portal.access)."""

from django.conf import settings
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header


def staff_language(request) -> str:
    staff = [code for code, _name in settings.STAFF_LANGUAGES]
    current = translation.get_language()
    if current in staff:
        return current
    for accepted, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        code = accepted.split("-")[0].lower()
        if code in staff:
            return code
    return settings.LANGUAGE_CODE


class LanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "portal_view", False):
            return None
        language = staff_language(request)
        if language != translation.get_language():
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return None
