"""The production profile (scripts/cluster) against the running cluster: make cluster-test.

Every check goes through the real servers: nginx on CLUSTER_PORT, the two Rasa replicas, the action servers,
PostgreSQL and Redis. The failover test stops Rasa replica 1 and starts it again (about 20-40 s).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pytest
import requests
import socketio
from cluster_support import (
    REPLICA_HEADER,
    ROUTE_COOKIE,
    Cluster,
    answered_by,
    new_route,
    replica_of,
    rest_message,
    run_cluster,
)


def _replica_header_on(cluster: Cluster) -> None:
    status, replica = replica_of(cluster, new_route())
    assert status == 200
    if not replica:
        pytest.skip(f"nginx sends no {REPLICA_HEADER} header (CLUSTER_REPLICA_HEADER=0)")


def _routes_by_replica(cluster: Cluster, count: int = 24) -> dict[str, list[str]]:
    """Random route cookies, grouped by the replica nginx sends them to."""
    found: dict[str, list[str]] = {}
    for _ in range(count):
        route = new_route()
        status, replica = replica_of(cluster, route)
        assert status == 200, f"GET /webhooks/rest/ answered {status}"
        found.setdefault(replica, []).append(route)
    return found


# ---------------------------------------------------------------------------------------------------------
# Listening addresses
# ---------------------------------------------------------------------------------------------------------


def _descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(stat.parent.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def test_every_part_listens_on_loopback_only(cluster: Cluster) -> None:
    parts = cluster.status()
    pids: dict[int, str] = {}
    for part in parts.values():
        if part.pid:
            for pid in {part.pid, *_descendants(part.pid)}:
                pids[pid] = part.name
    assert {"postgres", "redis", "nginx", "rasa-1", "rasa-2", "actions-1", "actions-2"} <= set(parts), parts
    listening = subprocess.run(["ss", "-ltnpH"], capture_output=True, text=True, check=True).stdout
    seen: dict[str, set[str]] = {}
    for line in listening.splitlines():
        fields = line.split()
        local = fields[3]
        for pid in re.findall(r"pid=(\d+)", line):
            if int(pid) in pids:
                seen.setdefault(pids[int(pid)], set()).add(local)
    env = cluster.env
    expected = {
        "nginx": {f"127.0.0.1:{env['CLUSTER_PORT']}", f"127.0.0.1:{env['CLUSTER_ACTIONS_PORT']}"},
        "postgres": {f"127.0.0.1:{env['CLUSTER_PG_PORT']}"},
        "redis": {f"127.0.0.1:{env['CLUSTER_REDIS_PORT']}"},
    }
    for n, port in enumerate(env["CLUSTER_RASA_PORTS"].split(), start=1):
        expected[f"rasa-{n}"] = {f"127.0.0.1:{port}"}
    for n, port in enumerate(env["CLUSTER_ACTION_PORTS"].split(), start=1):
        expected[f"actions-{n}"] = {f"127.0.0.1:{port}"}
    for name, addresses in seen.items():
        outside = {a for a in addresses if not a.startswith("127.0.0.1:")}
        assert not outside, f"{name} listens beyond loopback: {sorted(outside)}"
    for name, addresses in expected.items():
        has = seen.get(name, set())
        assert addresses <= has, f"{name} should listen on {addresses}, listens on {has}"


def test_redis_needs_its_password(cluster: Cluster) -> None:
    env = {k: v for k, v in os.environ.items() if k != "REDISCLI_AUTH"}
    result = subprocess.run(["redis-cli", "-h", "127.0.0.1", "-p", cluster.env["CLUSTER_REDIS_PORT"], "ping"],
                            capture_output=True, text=True, env=env, timeout=10, check=False)
    assert "NOAUTH" in result.stdout + result.stderr, result.stdout + result.stderr


def test_secrets_are_private_and_not_in_the_repository() -> None:
    from cluster_support import ROOT

    secrets = Path(os.environ.get("CLUSTER_RUN_DIR", ROOT / ".run" / "cluster")) / "secrets"
    assert secrets.is_dir()
    assert secrets.stat().st_mode & 0o077 == 0, oct(secrets.stat().st_mode)
    for path in secrets.iterdir():
        assert path.stat().st_mode & 0o077 == 0, f"{path} is readable by others: {oct(path.stat().st_mode)}"
    ignored = subprocess.run(["git", "check-ignore", "-q", str(secrets)], cwd=ROOT, check=False)
    assert ignored.returncode == 0, f"{secrets} is not ignored by git"


# ---------------------------------------------------------------------------------------------------------
# Conversations through nginx, stored in PostgreSQL, locked in Redis
# ---------------------------------------------------------------------------------------------------------


def test_rest_conversation_through_nginx_lands_in_postgresql(cluster: Cluster) -> None:
    sender = f"cluster-{uuid.uuid4().hex[:12]}"
    response = rest_message(cluster, sender, "/greet")
    assert response.status_code == 200, response.text
    replies = response.json()
    assert isinstance(replies, list) and replies, replies
    assert all(r.get("recipient_id") == sender for r in replies), replies

    rows = cluster.psql("SELECT type_name, action_name, intent_name FROM events "
                        f"WHERE sender_id = '{sender}' ORDER BY id")
    events = [row.split("|") for row in rows.splitlines()]
    assert ["user", "", "greet"] in events, events
    assert any(t == "bot" for t, _, _ in events), events
    assert any(t == "action" and a == "action_listen" for t, a, _ in events), events


def test_the_lock_store_is_redis(cluster: Cluster) -> None:
    def commands() -> int:
        result = subprocess.run(
            ["redis-cli", "-h", "127.0.0.1", "-p", cluster.env["CLUSTER_REDIS_PORT"], "info", "stats"],
            capture_output=True, text=True, timeout=10, check=True,
            env={**os.environ, "REDISCLI_AUTH": cluster.env["CLUSTER_REDIS_PASSWORD"]})
        match = re.search(r"total_commands_processed:(\d+)", result.stdout)
        assert match, result.stdout
        return int(match.group(1))

    before = commands()
    response = rest_message(cluster, f"cluster-{uuid.uuid4().hex[:12]}", "/greet")
    assert response.status_code == 200
    # Each message takes and releases the conversation's lock: several Redis commands (our own INFO is one).
    assert commands() - before > 3


def test_socketio_conversation_through_nginx(cluster: Cluster) -> None:
    for transports in (["polling"], ["polling", "websocket"]):
        session = requests.Session()
        client = socketio.Client(http_session=session, reconnection=False)
        replies: list[dict] = []
        client.on("bot_uttered", lambda data, replies=replies: replies.append(data))
        session_id = uuid.uuid4().hex
        client.connect(cluster.url, transports=transports, socketio_path="/socket.io", wait_timeout=20)
        try:
            assert session.cookies.get(ROUTE_COOKIE), "nginx set no route cookie on the Socket.IO handshake"
            client.emit("session_request", {"session_id": session_id})
            client.emit("user_uttered", {"message": "/greet", "session_id": session_id})
            deadline = time.monotonic() + 60
            while not replies and time.monotonic() < deadline:
                client.sleep(0.2)
            assert replies, f"no bot_uttered over {transports} within 60 s"
            assert client.transport() == transports[-1], client.transport()
        finally:
            client.disconnect()


# ---------------------------------------------------------------------------------------------------------
# Sticky sessions, spread, failover
# ---------------------------------------------------------------------------------------------------------


def test_new_clients_get_a_route_cookie(cluster: Cluster) -> None:
    for path in ("/", "/webhooks/rest/", "/socket.io/?EIO=4&transport=polling"):
        response = requests.get(cluster.url + path, timeout=30)
        cookie = response.headers.get("Set-Cookie", "")
        expected = rf"^{ROUTE_COOKIE}=[0-9a-f]{{32}}; Path=/; HttpOnly; SameSite=Lax"
        assert re.match(expected, cookie), (path, cookie)
    # A client that has a valid cookie keeps it; an invalid one is replaced.
    kept = requests.get(cluster.url + "/", cookies={ROUTE_COOKIE: new_route()}, timeout=30)
    assert "Set-Cookie" not in kept.headers
    replaced = requests.get(cluster.url + "/", cookies={ROUTE_COOKIE: "../../x"}, timeout=30)
    assert replaced.headers.get("Set-Cookie", "").startswith(f"{ROUTE_COOKIE}=")


def test_same_cookie_same_replica_and_cookies_spread_over_replicas(cluster: Cluster) -> None:
    _replica_header_on(cluster)
    by_replica = _routes_by_replica(cluster)
    assert set(by_replica) == set(cluster.rasa_addresses), f"some replica got none of 24: {by_replica}"
    for replica, routes in by_replica.items():
        for route in routes[:4]:
            for _ in range(5):
                status, again = replica_of(cluster, route)
                assert (status, again) == (200, replica), f"cookie {route} moved from {replica} to {again}"


def test_socketio_long_polling_session_stays_on_one_replica(cluster: Cluster) -> None:
    _replica_header_on(cluster)
    for _ in range(6):  # six clients, so both replicas serve sessions
        session = requests.Session()
        url = cluster.url + "/socket.io/?EIO=4&transport=polling"
        handshake = session.get(url, timeout=30)
        assert handshake.status_code == 200, handshake.text
        replica = answered_by(handshake)
        sid = json.loads(handshake.text[1:])["sid"]
        polled = f"{url}&sid={sid}"
        request = json.dumps(["session_request", {"session_id": uuid.uuid4().hex}])
        steps = [("POST", "40"), ("GET", None), ("POST", f"42{request}"), ("GET", None)]
        for method, body in steps:
            response = session.request(method, polled, data=body, timeout=40)
            assert response.status_code == 200, f"{method} answered {response.status_code}: {response.text}"
            assert answered_by(response) == replica, "a polling request went to another replica"


def _wait_until(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.5)
    pytest.fail(f"{what} within {timeout:.0f} s")


def test_failover_when_a_replica_is_down(cluster: Cluster) -> None:
    _replica_header_on(cluster)
    first, second = cluster.rasa_addresses[:2]
    routes = _routes_by_replica(cluster).get(first, [])
    assert routes, f"no route reached {first}"
    stopped = run_cluster("stop-replica", "1", timeout=400)
    assert stopped.returncode == 0, stopped.stdout + stopped.stderr
    try:
        # Every request still succeeds: the clients of replica 1 are served by replica 2.
        for route in routes[:6]:
            for _ in range(3):
                status, replica = replica_of(cluster, route)
                assert (status, replica) == (200, second), f"cookie {route}: {status} from {replica!r}"
        sender = f"cluster-{uuid.uuid4().hex[:12]}"
        response = rest_message(cluster, sender, "/greet", route=routes[0])
        assert response.status_code == 200 and response.json(), response.text
        assert answered_by(response) == second
        status_text = run_cluster("status").stdout
        assert re.search(r"^rasa-1\s+-\s.*not running", status_text, re.MULTILINE), status_text
    finally:
        started = run_cluster("start-replica", "1", timeout=400)
    assert started.returncode == 0, started.stdout + started.stderr
    # Back: once nginx retries replica 1 (after fail_timeout), its cookies return to it.
    _wait_until(lambda: replica_of(cluster, routes[0]) == (200, first), 60,
                f"cookie {routes[0]} did not return to {first}")
    # The conversation held by replica 2 meanwhile continues on replica 1: the tracker is in PostgreSQL.
    response = rest_message(cluster, sender, "hello", route=routes[0])
    assert response.status_code == 200 and response.json(), response.text
    count = cluster.psql(f"SELECT count(*) FROM events WHERE sender_id = '{sender}' AND type_name = 'user'")
    assert int(count) == 2, count


# ---------------------------------------------------------------------------------------------------------
# Hardening
# ---------------------------------------------------------------------------------------------------------


def test_rasa_http_api_is_closed_without_a_token_and_guarded_with_one(cluster: Cluster) -> None:
    token = cluster.rasa_token()
    sender = f"cluster-{uuid.uuid4().hex[:12]}"
    assert rest_message(cluster, sender, "/greet").status_code == 200
    tracker = f"/conversations/{sender}/tracker"
    if not token:
        for path in (tracker, "/status", "/model/parse"):
            response = requests.get(cluster.url + path, timeout=30)
            assert response.status_code == 404, f"{path} through nginx: {response.status_code}"
        port = cluster.env["CLUSTER_RASA_PORTS"].split()[0]
        direct = requests.get(f"http://127.0.0.1:{port}{tracker}", timeout=30)
        assert direct.status_code == 404, f"the replica itself serves the API: {direct.status_code}"
        return
    assert requests.get(cluster.url + tracker, timeout=30).status_code == 401
    wrong = requests.get(cluster.url + tracker, params={"token": "not-" + token}, timeout=30)
    assert wrong.status_code in (401, 403), wrong.status_code
    right = requests.get(cluster.url + tracker, params={"token": token}, timeout=30)
    assert right.status_code == 200, right.text
    assert right.json()["sender_id"] == sender
    # Replacing or training the model would reach one replica only: not proxied.
    for method, path in (("PUT", "/model"), ("POST", "/model/train")):
        response = requests.request(method, cluster.url + path, params={"token": token}, timeout=30)
        assert response.status_code in (404, 405), f"{method} {path}: {response.status_code}"


def test_oversized_body_gets_413(cluster: Cluster) -> None:
    big = "x" * 200_000
    for path in ("/webhooks/rest/webhook", "/socket.io/?EIO=4&transport=polling"):
        response = requests.post(cluster.url + path, data=json.dumps({"sender": "s", "message": big}),
                                 headers={"Content-Type": "application/json"}, timeout=30)
        assert response.status_code == 413, f"{path}: {response.status_code}"


@pytest.mark.parametrize("body", [
    b'{"sender": "x", "message": ',
    b"not json at all",
    b"[1, 2, 3]",
    b'"just a string"',
    b'{"sender": ["x"], "message": {"a": 1}}',
    b"\xff\xfe\x00garbage",
    b"",
])
def test_malformed_json_to_the_rest_webhook_is_a_client_error(cluster: Cluster, body: bytes) -> None:
    response = requests.post(cluster.url + "/webhooks/rest/webhook", data=body,
                             headers={"Content-Type": "application/json"}, timeout=30)
    assert 400 <= response.status_code < 500, f"{body!r}: {response.status_code} {response.text[:200]}"


def test_reports_exact_files_only(cluster: Cluster) -> None:
    reports = Path(cluster.env["PRACTICE_REPORTS_DIR"])
    for path in ("/reports/", "/reports", "/reports/../Makefile", "/reports/%2e%2e/Makefile",
                 "/reports/..%2fMakefile", "/reports/%2e%2e%2fMakefile", "/reports/.hidden.html",
                 "/reports/sub/x.html", "/reports/nothing-here.html", "/reports/x.json",
                 "/reports/../.run/cluster/secrets/pg_password", "/web/../Makefile", "/web/package.json",
                 "/web/node_modules/"):
        response = requests.get(cluster.url + path, timeout=30, allow_redirects=False)
        assert response.status_code in (400, 404), f"{path}: {response.status_code}"
        assert "Index of" not in response.text and "<pre>" not in response.text, path
    assert reports.is_dir()


def test_a_debrief_report_is_served_by_nginx(cluster: Cluster) -> None:
    sender = f"cluster-{uuid.uuid4().hex[:12]}"
    greeting = rest_message(cluster, sender, "hello")
    assert greeting.status_code == 200, greeting.text
    buttons = [b for r in greeting.json() for b in r.get("buttons", [])]
    choice = buttons[0]["payload"] if buttons else "/choose_scenario"
    for text in (choice, "It sounds like things have been really hard lately.", "/end"):
        response = rest_message(cluster, sender, text)
        assert response.status_code == 200, response.text
    name = f"{datetime.now(timezone.utc):%Y-%m-%d}-{sender}.html"
    path = Path(cluster.env["PRACTICE_REPORTS_DIR"]) / name
    assert path.is_file(), f"/end wrote no report {path}"
    assert path.stat().st_mode & 0o007 == 0, f"the report is readable by everyone: {oct(path.stat().st_mode)}"
    response = requests.get(f"{cluster.url}/reports/{name}", timeout=30)
    assert response.status_code == 200, response.status_code
    assert "text/html" in response.headers["Content-Type"]
    assert "default-src 'none'" in response.headers.get("Content-Security-Policy", "")
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert requests.get(f"{cluster.url}/reports/{name[:-5]}.json", timeout=30).status_code == 404


def test_cross_origin_requests_are_refused_and_allowed_origins_pass(cluster: Cluster) -> None:
    allowed = [o.strip() for o in cluster.env["PRACTICE_ALLOWED_ORIGINS"].split(",") if o.strip()]
    if "*" in allowed:
        pytest.skip("PRACTICE_ALLOWED_ORIGINS allows any origin")
    handshake = cluster.url + "/socket.io/?EIO=4&transport=polling"
    webhook = cluster.url + "/webhooks/rest/webhook"
    message = {"sender": f"cluster-{uuid.uuid4().hex[:12]}", "message": "hello"}
    evil = {"Origin": "http://evil.example"}
    assert requests.post(webhook, json=message, headers=evil, timeout=60).status_code == 403
    assert requests.get(handshake, headers=evil, timeout=30).status_code == 403
    for origin in allowed:
        response = requests.get(handshake, headers={"Origin": origin}, timeout=30)
        assert response.status_code == 200, origin
        # Once only (requests joins repeated headers with ", "): browsers reject a doubled CORS header.
        assert response.headers.get("Access-Control-Allow-Origin") == origin, response.headers
    assert requests.post(webhook, json=message, headers={"Origin": allowed[0]}, timeout=60).status_code == 200
    # The page's own origin, whatever name it was reached by: nginx passes Host on to the replica, whose
    # Socket.IO channel accepts its own origin too.
    own = {"Host": "practice.example.test:8080", "Origin": "http://practice.example.test:8080"}
    for _ in range(4):  # both replicas
        response = requests.get(handshake, headers=own, cookies={ROUTE_COOKIE: new_route()}, timeout=30)
        assert response.status_code == 200, response.text
