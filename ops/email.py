"""The mail relay as one URL (EMAIL_URL), read by config/settings.py.

A hand-written parser rather than a library: the one that does this (dj-email-url) has not been
released since 2022, and the whole job is a dozen lines of urllib. Examples
(docs/configuration.md):

    smtp://user:pass@relay.example.org:587?tls=1&timeout=10   STARTTLS on the submission port
    smtps://user:pass@relay.example.org:465                    TLS from the first byte
    smtp://relay.cpas.local:25                                 an internal relay, no login
    console:                                                   printed on the console (development)
    file:///var/lib/parcours/mail                              one file per message, in that folder
    locmem:                                                    kept in memory (tests)

User and password are URL-decoded, so a password with "@" or ":" is written %40 or %3A.
"""

from urllib.parse import parse_qs, unquote, urlsplit

SMTP = "django.core.mail.backends.smtp.EmailBackend"
BACKENDS = {
    "smtp": SMTP,
    "smtps": SMTP,
    "console": "django.core.mail.backends.console.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
    "dummy": "django.core.mail.backends.dummy.EmailBackend",
}
TRUE = {"1", "true", "yes", "on"}
DEFAULT_TIMEOUT = "10"


class EmailUrlError(ValueError):
    pass


def parse_email_url(url: str) -> dict:
    """The EMAIL_* settings Django reads, from one URL. Raises EmailUrlError with a plain
    message (never the password) when the URL cannot be a mail relay."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in BACKENDS:
        raise EmailUrlError(
            f"EMAIL_URL must start with one of {', '.join(s + ':' for s in BACKENDS)} "
            f"(it starts with {scheme + ':' if scheme else 'nothing'})"
        )
    config = {"EMAIL_BACKEND": BACKENDS[scheme]}
    if scheme == "file":
        if not parts.path:
            raise EmailUrlError(
                "EMAIL_URL file: needs a folder, e.g. file:///var/lib/parcours/mail"
            )
        config["EMAIL_FILE_PATH"] = unquote(parts.path)
    if scheme not in {"smtp", "smtps"}:
        return config

    if not parts.hostname:
        raise EmailUrlError("EMAIL_URL names no host, e.g. smtp://relay.example.org:587")
    try:
        port = parts.port
    except ValueError:
        raise EmailUrlError("EMAIL_URL has a port that is not a number") from None
    query = {key.lower(): values[-1] for key, values in parse_qs(parts.query).items()}
    use_ssl = scheme == "smtps" or query.get("ssl", "").lower() in TRUE
    use_tls = query.get("tls", "").lower() in TRUE
    if use_ssl and use_tls:
        raise EmailUrlError("EMAIL_URL asks for both tls and ssl: choose one (smtps: is ssl)")
    config.update(
        EMAIL_HOST=parts.hostname,
        EMAIL_PORT=port or (465 if use_ssl else 587 if use_tls else 25),
        EMAIL_HOST_USER=unquote(parts.username or ""),
        EMAIL_HOST_PASSWORD=unquote(parts.password or ""),
        EMAIL_USE_SSL=use_ssl,
        EMAIL_USE_TLS=use_tls,
    )
    # Django waits for ever by default: a relay that hangs would hang the request that sends.
    try:
        config["EMAIL_TIMEOUT"] = float(query.get("timeout", DEFAULT_TIMEOUT))
    except ValueError:
        raise EmailUrlError("EMAIL_URL timeout must be a number of seconds") from None
    return config


def is_relay(backend: str) -> bool:
    """Whether mail really leaves the server (as opposed to the console, memory or nowhere)."""
    return backend == SMTP
