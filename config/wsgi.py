import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# After setup: a production server with a setting missing stops here, naming it.
from ops.checks import refuse_to_start_if_misconfigured  # noqa: E402

refuse_to_start_if_misconfigured()

# Loaded for good: the URL map and the views, out of the garbage collector's reach.
from ops.runtime import settle  # noqa: E402

settle()
