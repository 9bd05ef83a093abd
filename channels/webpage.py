"""The web chat's page, served by `rasa run` itself (`make web`: one machine, no nginx).

An input channel that takes no messages: its blueprint serves files. Listed in ``credentials.yml`` by its
module path, next to the Socket.IO channel the page talks to::

    channels.webpage.WebPageInput:
      # web_dir: web                 # the page's folder (default: web/ beside channels/)
      # reports_dir: reports         # default: $PRACTICE_REPORTS_DIR, else reports/

What it serves, at absolute paths (Rasa mounts channel blueprints under ``/webhooks/<name>/``; like Rasa's
Socket.IO channel, this one registers its routes at the root instead):

- ``/``: ``web/index.html``, the page (Rasa's own ``/`` says "Hello from Rasa"; a request middleware
  answers ``GET /`` with the page first);
- ``/web/<file>``: the page's own ``*.js`` / ``*.css`` / images directly in ``web/``, and the two vendor
  bundles it loads from ``web/node_modules`` (rasa-webchat's UMD build and React's); nothing else of
  ``web/`` (no ``package.json``, no other ``node_modules`` file, no listing);
- ``/reports/<name>.html`` and ``.json``: the debrief reports the action server writes, only files directly
  in the reports folder, no listing, no path traversal.

Every answer carries a Content-Security-Policy (scripts, connections and images from this origin only;
reports may not run scripts at all), ``X-Content-Type-Options: nosniff`` and ``Referrer-Policy``. The
page's policy allows inline *styles*: rasa-webchat injects its stylesheet as ``<style>`` elements at run
time (webpack's style-loader), which ``style-src 'self'`` alone would block; scripts stay ``'self'`` only.
"""

from __future__ import annotations

import logging
import mimetypes
import os
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_WEB_DIR = ROOT / "web"
REPORTS_ENV = "PRACTICE_REPORTS_DIR"
DEFAULT_REPORTS_DIR = "reports"

#: URL prefix of the page's assets; the page refers to them relatively (``web/app.js``).
ASSET_PREFIX = "/web"
REPORTS_PREFIX = "/reports"

#: The files of web/node_modules the page loads; every other file there stays private.
VENDOR_FILES = (
    "node_modules/rasa-webchat/lib/index.js",
    "node_modules/react/umd/react.production.min.js",
)
#: The page's own assets: a plain file name directly in web/ with one of these suffixes.
_ASSET_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,100}\.(?:js|css|svg|png|ico|webp)$")
#: Report files: a plain name (letters, digits, ``.``, ``_``, ``-``; no leading dot) ending .html or .json.
_REPORT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,200}\.(?:html|json)$")

PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'self'"
)
#: Reports are self-contained HTML with an inline stylesheet and no scripts.
REPORT_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'self'"
)
COMMON_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"}
TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
         ".html": "text/html; charset=utf-8", ".json": "application/json",
         ".svg": "image/svg+xml"}


def content_type(path: Path) -> str:
    """The Content-Type a served file is sent with."""
    return TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def asset_path(web_dir: Path, name: str) -> Path | None:
    """The file behind ``/web/<name>``, or None when that name is not one the page may load.

    Args:
        web_dir: The page's folder.
        name: The path after ``/web/``.

    Returns:
        One of the vendor bundles, or an asset directly in ``web_dir``; None for anything else, or when
        the file does not exist.
    """
    if name not in VENDOR_FILES and not _ASSET_NAME.match(name):
        return None
    path = web_dir / name
    return path if path.is_file() else None


def report_path(reports_dir: Path, name: str) -> Path | None:
    """The report file behind ``/reports/<name>``, or None.

    Only ``*.html`` and ``*.json`` files directly in the reports folder qualify: the name may not hold a
    separator or start with a dot, and the file (after resolving symbolic links) must still sit directly in
    the folder.

    Args:
        reports_dir: The folder the action server writes reports to.
        name: The path after ``/reports/``.
    """
    if not _REPORT_NAME.match(name):
        return None
    folder = reports_dir.resolve()
    path = (folder / name).resolve()
    if path.parent != folder or not path.is_file():
        return None
    return path


def _headers(csp: str, cache: str) -> dict[str, str]:
    return {**COMMON_HEADERS, "Content-Security-Policy": csp, "Cache-Control": cache}


def _not_found() -> HTTPResponse:
    return response.text("Not found", status=404, headers=_headers("default-src 'none'", "no-store"))


async def _send(request: Request, path: Path, headers: dict[str, str]) -> HTTPResponse:
    body = b"" if request.method == "HEAD" else path.read_bytes()
    headers = {**headers, "Content-Length": str(path.stat().st_size)} if request.method == "HEAD" else headers
    return response.raw(body, content_type=content_type(path), headers=headers)


class WebPageBlueprint(Blueprint):
    """A blueprint whose routes stay at the root, whatever prefix Rasa registers channels under."""

    def __init__(self, page: Path, *args: Any, **kwargs: Any) -> None:
        """Create the blueprint.

        Args:
            page: The HTML file served at ``/``.
            *args: Passed to :class:`sanic.Blueprint`.
            **kwargs: Passed to :class:`sanic.Blueprint`.
        """
        super().__init__(*args, **kwargs)
        self.ctx.page = page

    def register(self, app: Sanic, options: dict[str, Any]) -> None:
        """Register the routes at their absolute paths, and answer ``GET /`` with the page.

        Args:
            app: The Sanic app of `rasa run`.
            options: Sanic's registration options; the ``url_prefix`` Rasa passes is dropped.
        """
        page: Path = self.ctx.page

        async def serve_page(request: Request) -> HTTPResponse | None:
            # Rasa's own route for "/" says hello; a request middleware that answers first takes its place
            # for browsers (the route table cannot hold two handlers for one path).
            if request.path != "/" or request.method not in ("GET", "HEAD"):
                return None
            if not page.is_file():
                logger.error("The web chat page %s is missing", page)
                return _not_found()
            return await _send(request, page, _headers(PAGE_CSP, "no-cache"))

        app.register_middleware(serve_page, "request")
        super().register(app, {**options, "url_prefix": None})


class WebPageInput(InputChannel):
    """Serves the web chat page, its assets and the debrief reports (no messages come in here)."""

    @classmethod
    def name(cls) -> str:
        """The channel's name in Rasa's logs."""
        return "webpage"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        """Build the channel from its ``credentials.yml`` section (``web_dir``, ``reports_dir``: optional)."""
        credentials = credentials or {}
        return cls(web_dir=credentials.get("web_dir"), reports_dir=credentials.get("reports_dir"))

    def __init__(self, web_dir: str | Path | None = None, reports_dir: str | Path | None = None) -> None:
        """Create the channel.

        Args:
            web_dir: The page's folder (default ``web/`` of this project).
            reports_dir: The reports folder (default ``$PRACTICE_REPORTS_DIR``, else ``reports/``, relative
                to the working directory like the action server's).
        """
        self.web_dir = Path(web_dir) if web_dir else DEFAULT_WEB_DIR
        self.reports_dir = Path(reports_dir or os.environ.get(REPORTS_ENV) or DEFAULT_REPORTS_DIR)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """The routes of the page, its assets and the reports (``on_new_message`` is not used)."""
        web_dir, reports_dir = self.web_dir, self.reports_dir
        page = WebPageBlueprint(web_dir / "index.html", "webpage", __name__)
        for vendor in VENDOR_FILES:
            if not (web_dir / vendor).is_file():
                logger.error("The web chat needs %s: run `make web` (npm ci in web/)", web_dir / vendor)

        @page.route(f"{ASSET_PREFIX}/<name:path>", methods=["GET", "HEAD"])
        async def asset(request: Request, name: str) -> HTTPResponse:
            path = asset_path(web_dir, name)
            if path is None:
                return _not_found()
            # Vendor bundles change only with web/package-lock.json; the page's own files may change any time.
            cache = "public, max-age=86400" if name in VENDOR_FILES else "no-cache"
            return await _send(request, path, _headers(PAGE_CSP, cache))

        @page.route(f"{REPORTS_PREFIX}/<name:path>", methods=["GET", "HEAD"])
        async def report(request: Request, name: str) -> HTTPResponse:
            path = report_path(reports_dir, name)
            if path is None:
                return _not_found()
            headers = {**_headers(REPORT_CSP, "no-store"), "X-Robots-Tag": "noindex"}
            return await _send(request, path, headers)

        return page
