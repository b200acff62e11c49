from audit import context


class AuditOriginMiddleware:
    """Keeps the request's address and browser at hand for the audit log (audit.context)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = context.set_current(context.origin_of(request))
        try:
            return self.get_response(request)
        finally:
            context.reset(token)
