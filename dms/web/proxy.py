"""Behind a reverse proxy: believe the X-Forwarded-* headers of exactly the
proxies the settings name (DMS_TRUSTED_PROXIES), no more.

With nginx in front every request comes from 127.0.0.1; without this, every
citizen shares one rate-limit bucket and absolute links come out as http://.
With 0 trusted proxies the headers are ignored: anyone could forge them."""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from dms.settings import Settings


def install_proxy_fix(app: Flask, settings: Settings) -> None:
    """Take the client address, scheme, host and port from the trusted proxies."""
    hops = settings.trusted_proxies
    if hops:
        app.wsgi_app = ProxyFix(
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops
        )
