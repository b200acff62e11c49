"""HTML to PDF with WeasyPrint, fetching nothing but the application's own static files.

A PDF of a participant file must never make the server call out: a link or an image URL in
free text would otherwise be fetched while rendering. Anything outside STATIC_URL is refused.
"""

import mimetypes
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.http import HttpResponse
from django.template.loader import render_to_string


def _fetcher():
    # Imported late: WeasyPrint loads Pango, which only the PDF pages need.
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            parsed = urlparse(url)
            prefix = "/" + settings.STATIC_URL.lstrip("/")
            path = unquote(parsed.path)
            found = None
            if parsed.scheme in {"http", "https"} and path.startswith(prefix):
                try:
                    found = finders.find(path.removeprefix(prefix))
                except SuspiciousFileOperation:
                    found = None
            if not found:
                raise ValueError(f"PDF rendering fetches static files only, not {url}")
            mime_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
            with open(found, "rb") as file:
                return URLFetcherResponse(url, file.read(), {"Content-Type": mime_type})

    return StaticOnlyFetcher()


def _document(template: str, context: dict, request):
    from weasyprint import HTML

    html = render_to_string(template, {**context, "pdf": True}, request=request)
    return HTML(
        string=html, base_url=request.build_absolute_uri("/"), url_fetcher=_fetcher()
    ).render()


def render_pdf(template: str, context: dict, request, filename: str) -> HttpResponse:
    response = HttpResponse(
        _document(template, context, request).write_pdf(), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def page_count(template: str, context: dict, request) -> int:
    return len(_document(template, context, request).pages)
