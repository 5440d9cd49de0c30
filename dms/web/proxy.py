"""Behind a reverse proxy: believe the X-Forwarded-* headers of exactly the
proxies the settings name (DMS_TRUSTED_PROXIES), no more.

With nginx in front every request comes from 127.0.0.1; without this, every
citizen shares one rate-limit bucket and absolute links come out as http://.
With 0 trusted proxies the headers are ignored: anyone could forge them."""

from __future__ import annotations

from flask import Flask, Response, current_app
from werkzeug.middleware.proxy_fix import ProxyFix

from dms.settings import Settings


def install_proxy_fix(app: Flask, settings: Settings) -> None:
    """Take the client address, scheme, host and port from the trusted proxies."""
    hops = settings.trusted_proxies
    if hops:
        app.wsgi_app = ProxyFix(
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops
        )


# Headers nginx computes itself when it serves the file (it also answers ranges).
_NGINX_OWN_HEADERS = ("Content-Length", "Content-Range")


def accel_redirect(storage, key: str, headers: dict[str, str]) -> Response | None:
    """An empty answer telling nginx to send the blob itself (X-Accel-Redirect),
    or None when DMS_X_ACCEL_REDIRECT is off or the blob is not a local file.

    Called only once dms has decided the caller may have the version: the
    internal location is unreachable from outside (nginx's `internal`)."""
    location = current_app.extensions["dms"].settings.x_accel_redirect
    path_for = getattr(storage, "path_for", None)
    if not location or path_for is None:
        return None
    relative = path_for(key).relative_to(storage.root).as_posix()
    kept = {k: v for k, v in headers.items() if k not in _NGINX_OWN_HEADERS}
    return Response(
        status=200, headers={**kept, "X-Accel-Redirect": location + relative}
    )
