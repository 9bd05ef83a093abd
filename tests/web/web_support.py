"""The web chat's `rasa run` for the browser tests: restartable on one port and one SQLite tracker store."""

from __future__ import annotations

import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from e2e_support import (
    FIGURES,
    RASA,
    RASA_LOAD_TIMEOUT,
    ROOT,
    Server,
    free_port,
    rasa_env,
    stop,
    wait_until_up,
)


@dataclass
class WebStack:
    """`rasa run` with the web chat's channels, restartable on the same port and the same SQLite file."""

    action_port: int
    model: Path
    state: Path
    reports: Path
    log_dir: Path
    port: int = field(default_factory=free_port)
    #: Other sites allowed to embed the chat (PRACTICE_ALLOWED_ORIGINS and `rasa run --cors`, as scripts/web).
    allowed_origins: list[str] = field(default_factory=list)
    server: Server | None = None
    starts: int = 0

    @property
    def url(self) -> str:
        """The page's URL."""
        return f"http://127.0.0.1:{self.port}/"

    @property
    def db(self) -> Path:
        """The SQLite tracker store."""
        return self.state / "tracker.db"

    def endpoints(self) -> Path:
        """An endpoints file: the test's action server and a SQLite tracker store."""
        path = self.state / "endpoints.yml"
        path.write_text(
            f'action_endpoint:\n  url: "http://127.0.0.1:{self.action_port}/webhook"\n'
            f'tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: "{self.db}"\n'
        )
        return path

    def start(self) -> Server:
        """Start `rasa run` and wait until the page answers (the model is loaded by then)."""
        self.starts += 1
        log = self.log_dir / f"rasa-web-{self.port}-{self.starts}.log"
        command = [
            str(RASA), "run", "--model", str(self.model),
            "--interface", "127.0.0.1", "--port", str(self.port),
            "--credentials", str(ROOT / "credentials.yml"), "--endpoints", str(self.endpoints()),
        ]
        env = {**rasa_env(), "PRACTICE_REPORTS_DIR": str(self.reports)}
        env.pop("PRACTICE_ALLOWED_ORIGINS", None)
        if self.allowed_origins:
            env["PRACTICE_ALLOWED_ORIGINS"] = ",".join(self.allowed_origins)
            command += ["--cors", *self.allowed_origins]
        started = time.monotonic()
        with log.open("w") as out:  # the child keeps its own copy of the descriptor
            process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                       stdin=subprocess.DEVNULL, start_new_session=True)
        self.server = Server(process, self.port, log)
        try:
            wait_until_up(self.server, "/", RASA_LOAD_TIMEOUT, "rasa run (web chat)")
        except BaseException:
            stop(process)
            raise
        self.server.start_seconds = time.monotonic() - started
        FIGURES.append(f"rasa run with the web chat: page up after {self.server.start_seconds:.1f} s")
        return self.server

    def stop(self) -> None:
        """Stop `rasa run` (the SQLite file stays)."""
        if self.server is not None:
            stop(self.server.process)

    def logs(self) -> str:
        """Everything `rasa run` logged in this stack so far."""
        return "\n".join(p.read_text(errors="replace")
                         for p in sorted(self.log_dir.glob(f"rasa-web-{self.port}-*.log")))

    def errors(self) -> list[str]:
        """Error lines `rasa run` logged, less one known harmless one.

        python-engineio logs "Task was destroyed but it is pending!" for its ping task when a browser closes
        or reloads a page mid-connection (asyncio collecting the task): noise, not a fault.
        """
        known = "Task was destroyed but it is pending"
        return [line for line in self.logs().splitlines()
                if (" ERROR " in line or "Traceback" in line) and known not in line]

