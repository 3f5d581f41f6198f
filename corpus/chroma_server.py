"""A local `chroma run` server (the chromadb package's own CLI) on a free 127.0.0.1 port.

For tests and benchmarks/bench_scale.py, and for trying `MDSBOT_CHROMA_URL` on one machine; a team
runs its server as README "Chroma server" says. The one place that starts, waits for and stops one.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


class ServerDidNotStart(RuntimeError):
    """`chroma run` did not answer its heartbeat in time."""


class ChromaServer:
    """``.url``, ``.process``, ``.path``; `start()` again after `kill()` or `stop()` serves the same
    store on the same port."""

    def __init__(self, path: Path, wait_s: float = 60.0):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.path = Path(path)
        self.url = f"http://127.0.0.1:{self.port}"
        self.wait_s = wait_s
        self.process: subprocess.Popen | None = None

    def start(self) -> ChromaServer:
        chroma = Path(sys.executable).parent / "chroma"  # the CLI installed beside this interpreter
        self.process = subprocess.Popen(
            [str(chroma), "run", "--path", str(self.path), "--host", "127.0.0.1", "--port", str(self.port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + self.wait_s
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.url}/api/v2/heartbeat", timeout=1)
                return self
            except OSError:
                time.sleep(0.3)
        self.kill()
        raise ServerDidNotStart(f"chroma run at {self.url} did not answer within {self.wait_s:.0f} s")

    def kill(self) -> None:
        """Gone at once, as a crashed server is."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=20)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)

    def peak_mb(self) -> float:
        """The server process's peak resident memory (Linux), 0 when unknown."""
        if self.process is None:
            return 0.0
        try:
            lines = Path(f"/proc/{self.process.pid}/status").read_text().splitlines()
        except OSError:
            return 0.0
        return next((int(line.split()[1]) / 1024 for line in lines if line.startswith("VmHWM:")), 0.0)
