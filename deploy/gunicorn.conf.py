"""gunicorn settings for Parcours (`gunicorn -c deploy/gunicorn.conf.py config.wsgi`).

Everything an install may want to change comes from the environment file the systemd unit
reads (docs/deployment.md); the defaults suit one machine behind Caddy or nginx.

Graceful reload: `systemctl reload parcours` sends HUP. gunicorn keeps its listening socket,
starts new workers with the new code and settings, and lets the old ones finish the requests
they are serving, so a reload after an upgrade drops no request (tests/deploy checks it). A
restart, by contrast, closes the socket for the seconds the app takes to start.
"""

import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


bind = os.environ.get("PARCOURS_WEB_BIND") or "127.0.0.1:8000"
workers = _int("PARCOURS_WEB_WORKERS", 3)
# Reports are rendered by the worker, not in a request: a request that takes longer than this
# is stuck, and gunicorn replaces its worker.
timeout = _int("PARCOURS_WEB_TIMEOUT", 60)
graceful_timeout = _int("PARCOURS_WEB_GRACEFUL_TIMEOUT", 30)
keepalive = 5
# Each worker imports the app itself, so that a reload (HUP) loads the new code.
preload_app = False
# The proxy on this machine may say the request came in over HTTPS (X-Forwarded-Proto).
forwarded_allow_ips = os.environ.get("PARCOURS_WEB_FORWARDED_ALLOW_IPS") or "127.0.0.1,::1"

# gunicorn's control socket (for `gunicornc`) defaults to $HOME/.gunicorn/, which a service
# user without a home cannot create. systemd's RuntimeDirectory=parcours gives /run/parcours,
# owned by the service user, and says so in $RUNTIME_DIRECTORY.
control_socket = os.environ.get("PARCOURS_WEB_CONTROL_SOCKET") or os.path.join(
    os.environ.get("RUNTIME_DIRECTORY") or "/run/parcours", "gunicorn.ctl"
)
control_socket_mode = 0o600

# Both logs go to standard output and error, which systemd hands to journald (one place, one
# retention: docs/data-protection.md). The access log leaves out the query string and the
# referrer: searches put names in them (`?q=…`). The address is the client's, as the proxy
# reports it; journald adds the time.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("PARCOURS_WEB_LOG_LEVEL") or "info"
access_log_format = '%({x-forwarded-for}i)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
