"""What the web channel serves over HTTP: the page and its files with security headers, the reports folder
and nothing else (no listing, no traversal, no other file of web/)."""

from __future__ import annotations

import http.client
from pathlib import Path

import pytest
from web_support import WebStack

pytestmark = pytest.mark.e2e


def get(stack: WebStack, path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    """Send a request with the path exactly as given (no client-side normalisation of ``..``)."""
    connection = http.client.HTTPConnection("127.0.0.1", stack.port, timeout=30)
    try:
        connection.request(method, path)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


@pytest.mark.parametrize("path", [
    "/", "/web/app.js", "/web/app.css", "/web/coach.js", "/web/favicon.svg",
    "/web/node_modules/rasa-webchat/lib/index.js", "/web/node_modules/react/umd/react.production.min.js",
])
def test_page_and_assets_with_security_headers(web_stack: WebStack, path: str) -> None:
    status, headers, body = get(web_stack, path)
    assert status == 200 and body
    csp = headers["content-security-policy"]
    assert "script-src 'self';" in csp and "connect-src 'self'" in csp and "object-src 'none'" in csp
    assert "unsafe-eval" not in csp and "http" not in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"]
    suffix = Path(path).suffix or ".html"
    expected = {".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml"}
    assert headers["content-type"].startswith(expected[suffix])


def test_head_answers_without_a_body(web_stack: WebStack) -> None:
    status, headers, body = get(web_stack, "/web/app.js", "HEAD")
    assert status == 200 and body == b""
    assert int(headers["content-length"]) > 0


@pytest.mark.parametrize("path", [
    "/web/", "/web/package.json", "/web/package-lock.json", "/web/index.html",
    "/web/node_modules/rasa-webchat/package.json", "/web/node_modules/react/index.js",
    "/web/../credentials.yml", "/web/%2e%2e/credentials.yml", "/web/node_modules/.installed",
])
def test_other_files_of_web_are_not_served(web_stack: WebStack, path: str) -> None:
    status, _, body = get(web_stack, path)
    assert status == 404, (path, body[:200])


def test_reports_are_served_from_their_folder_only(web_stack: WebStack, tmp_path: Path) -> None:
    reports = web_stack.reports
    (reports / "2026-01-01-servingtest.html").write_text("<!DOCTYPE html><h1>report</h1>")
    (reports / "2026-01-01-servingtest.json").write_text('{"ok": true}')
    (reports / "notes.txt").write_text("not a report")
    (reports / ".hidden.html").write_text("hidden")
    (reports / "sub").mkdir(exist_ok=True)
    (reports / "sub" / "inner.html").write_text("nested")
    outside = tmp_path / "outside.html"
    outside.write_text("outside the reports folder")
    link = reports / "escape.html"
    if not link.exists():
        link.symlink_to(outside)

    status, headers, body = get(web_stack, "/reports/2026-01-01-servingtest.html")
    assert status == 200 and b"<h1>report</h1>" in body
    assert headers["content-type"].startswith("text/html")
    assert "script-src" not in headers["content-security-policy"]  # default-src 'none': no scripts at all
    assert headers["content-security-policy"].startswith("default-src 'none'")
    assert headers["cache-control"] == "no-store"
    assert headers["x-content-type-options"] == "nosniff"
    status, headers, body = get(web_stack, "/reports/2026-01-01-servingtest.json")
    assert status == 200 and headers["content-type"].startswith("application/json")

    for path in ["/reports/", "/reports", "/reports/notes.txt", "/reports/.hidden.html",
                 "/reports/sub/inner.html", "/reports/escape.html", "/reports/../credentials.yml",
                 "/reports/..%2fcredentials.yml",
                 "/reports/%2e%2e/credentials.yml", "/reports/missing.html", "/reports/sub"]:
        status, _, body = get(web_stack, path)
        assert status == 404, (path, body[:200])
        assert b"outside the reports folder" not in body and b"nested" not in body
