"""Helpers for the production profile's tests: the running cluster's settings, HTTP through nginx, psql.

The tests run against the cluster `scripts/cluster start` (`make cluster`) runs; they do not start their own
(the replicas take 20-40 s to load). `make cluster-test` starts it when needed. Under CLUSTER_REQUIRED=1
(or CI=true) a cluster that is not running fails the tests; otherwise they are skipped.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from e2e_support import need  # noqa: E402

CLUSTER = ROOT / "scripts" / "cluster"
ROUTE_COOKIE = "practice_route"
REPLICA_HEADER = "X-Practice-Replica"


def run_cluster(*args: str, timeout: float = 400) -> subprocess.CompletedProcess[str]:
    """Run scripts/cluster with the tests' environment; output captured."""
    return subprocess.run([str(CLUSTER), *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout,
                          check=False)


@dataclass
class Part:
    """One line of `scripts/cluster status`."""

    name: str
    pid: int | None
    address: str
    health: str


@dataclass
class Cluster:
    """The running cluster as the tests see it."""

    env: dict[str, str]
    parts: dict[str, Part]

    @property
    def url(self) -> str:
        """nginx's base URL."""
        return f"http://{self.env['CLUSTER_HOST']}:{self.env['CLUSTER_PORT']}"

    @property
    def rasa_addresses(self) -> list[str]:
        """The replicas' loopback addresses, replica 1 first."""
        return [f"127.0.0.1:{port}" for port in self.env["CLUSTER_RASA_PORTS"].split()]

    def status(self) -> dict[str, Part]:
        """Parse `scripts/cluster status` afresh."""
        self.parts = parse_status(run_cluster("status").stdout)
        return self.parts

    def psql(self, sql: str) -> str:
        """Run one SQL statement as the application's role; the output unaligned, tuples only."""
        result = run_cluster("psql", "-tA", "-v", "ON_ERROR_STOP=1", "-c", sql, timeout=30)
        assert result.returncode == 0, f"psql failed: {result.stderr}"
        return result.stdout.strip()

    def rasa_token(self) -> str:
        """The HTTP API token the running replicas were started with ('' for none)."""
        part = self.parts.get("rasa-1")
        if part and part.pid:
            try:
                environ = Path(f"/proc/{part.pid}/environ").read_bytes().split(b"\0")
            except OSError:
                environ = []
            for item in environ:
                if item.startswith(b"RASA_API_TOKEN="):
                    return item.split(b"=", 1)[1].decode()
            if environ:
                return ""
        return self.env.get("RASA_API_TOKEN", "")


def parse_status(text: str) -> dict[str, Part]:
    """The parts listed by `scripts/cluster status`."""
    parts: dict[str, Part] = {}
    for line in text.splitlines()[1:]:
        match = re.match(r"^(\S+)\s+(\d+|-)\s+\S+\s+(.+?)\s{2,}(healthy|NOT HEALTHY|not running|external)$",
                         line)
        if match:
            name, pid, address, health = match.groups()
            parts[name] = Part(name, int(pid) if pid != "-" else None, address.strip(), health)
    return parts


def load_cluster() -> Cluster:
    """The running cluster, or skip/fail when it is not running and healthy."""
    if not CLUSTER.exists():
        pytest.fail(f"missing {CLUSTER}")
    env: dict[str, str] = {}
    for line in run_cluster("env").stdout.splitlines():
        if line.startswith("export "):
            key, _, value = line[len("export "):].partition("=")
            env[key] = shlex.split(value)[0] if value else ""
    status = run_cluster("status")
    parts = parse_status(status.stdout)
    need(status.returncode == 0 and bool(parts),
         f"the cluster is not running and healthy:\n{status.stdout}{status.stderr}",
         flag="CLUSTER_REQUIRED", hint="make cluster")
    return Cluster(env, parts)


def new_route() -> str:
    """A route cookie value of the form nginx issues (32 hex digits)."""
    return uuid.uuid4().hex


def answered_by(response: requests.Response) -> str:
    """The replica that answered, from nginx's debug header ($upstream_addr lists every replica it tried,
    e.g. "127.0.0.1:25005, 127.0.0.1:25006" after a failover: the last one answered)."""
    return response.headers.get(REPLICA_HEADER, "").split(",")[-1].strip()


def replica_of(cluster: Cluster, route: str, path: str = "/webhooks/rest/") -> tuple[int, str]:
    """GET path through nginx with the given route cookie: (status, the replica that answered)."""
    response = requests.get(cluster.url + path, cookies={ROUTE_COOKIE: route}, timeout=30)
    return response.status_code, answered_by(response)


def rest_message(cluster: Cluster, sender: str, text: str, route: str | None = None,
                 timeout: float = 90) -> requests.Response:
    """POST one message to the REST webhook through nginx."""
    cookies = {ROUTE_COOKIE: route} if route else None
    return requests.post(cluster.url + "/webhooks/rest/webhook", json={"sender": sender, "message": text},
                         cookies=cookies, timeout=timeout)
