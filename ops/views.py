from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from ops import health


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For the proxy and the monitoring, without signing in: 200 when every check is fine, 503
    otherwise, each check's state in the body."""
    ok, checks = health.report()
    return JsonResponse(
        {"status": "ok" if ok else "failing", "checks": checks}, status=200 if ok else 503
    )
