"""A real `cnncalc serve` process on a free loopback port, for the API and browser tests
(and the start-up figure in bench/ and the screenshots in docs/images/)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    started_in: float
    """Seconds from launching the process to its first answer."""

    def request(
        self, method: str, path: str, body: bytes | str | None = None, content_type: str = ""
    ) -> tuple[int, str, dict[str, str]]:
        """(status, text, headers) of one request; error statuses are returned, not raised."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        request = urllib.request.Request(self.url + path, data=data, method=method)
        if content_type:
            request.add_header("Content-Type", content_type)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, response.read().decode("utf-8"), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8"), dict(error.headers)

    def json(self, method: str, path: str, body: Any = None, content_type: str = "") -> Any:
        status, text, _ = self.request(method, path, body, content_type)
        assert status == 200, f"{method} {path}: {status} {text}"
        return json.loads(text)


@contextmanager
def serving(
    *options: str,
    env: dict[str, str] | None = None,
    timeout: float = 20.0,
    cwd: Path = ROOT,
) -> Iterator[Server]:
    """`python -m cnncalc serve --port FREE [options]` started in ``cwd``, stopped (and
    reaped) afterwards."""
    port = free_port()
    env = {**os.environ, **(env or {}), "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "cnncalc", "serve", "--port", str(port), *options]
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, cwd=cwd)
    url = f"http://127.0.0.1:{port}"
    try:
        while True:
            try:
                with urllib.request.urlopen(url + "/", timeout=1):
                    break
            except (urllib.error.URLError, ConnectionError):
                if process.poll() is not None:
                    raise RuntimeError(f"cnncalc serve ended: {process.stderr.read()!r}") from None
                if time.perf_counter() - start > timeout:
                    raise TimeoutError(f"cnncalc serve did not answer in {timeout} s") from None
                time.sleep(0.02)
        yield Server(url, process, time.perf_counter() - start)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr:
            process.stderr.close()
