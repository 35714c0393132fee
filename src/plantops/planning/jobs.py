"""Where plan runs execute: in a worker process of their own, so a long schedule never holds
up the web server. One interface (`Jobs.launch`), so that moving runs onto a task queue
changes this module and nothing else (DESIGN.md, scale-out path)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from typing import Protocol

from sqlalchemy import Engine


class Jobs(Protocol):
    def launch(self, engine: Engine, run_id: int) -> None: ...


class WorkerProcesses:
    """`plantops plan work RUN` in a child process, on the caller's database."""

    def launch(self, engine: Engine, run_id: int) -> None:
        # the URL travels in the environment, not the command line: `ps` shows arguments
        url = engine.url.render_as_string(hide_password=False)
        env = {**os.environ, "PLANTOPS_DATABASE_URL": url}
        command = [sys.executable, "-m", "plantops.cli.main", "plan", "work", str(run_id)]
        child = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL, start_new_session=True)
        threading.Thread(target=child.wait, daemon=True).start()  # reap it when it ends
