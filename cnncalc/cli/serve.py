"""The web page's command: serve."""

from __future__ import annotations

import socket

import typer

from ..errors import SpecError
from .app import command

LOOPBACK = ("127.0.0.1", "localhost", "::1")
WEB_EXTRA = ("starlette", "uvicorn")


@command()
def serve(
    host: str = typer.Option(
        "127.0.0.1", "--host", help="Address to listen on; only this computer by default."
    ),
    port: int = typer.Option(
        8000, "--port", min=0, max=65535, help="Port to listen on; 0 picks a free one."
    ),
    open_browser: bool = typer.Option(False, "--open", help="Open the page in a browser."),
) -> None:
    """Run the calculator in the browser: analyze, exercises and class grading on one page.

    The page works offline (everything ships in the package). Needs the web extra:
    pip install 'cnncalc[web]'.

    Example:

        cnncalc serve --open
    """
    try:
        import uvicorn

        from ..web.app import create_app
    except ImportError as error:
        if error.name not in WEB_EXTRA:
            raise
        raise SpecError(f"cnncalc serve needs {error.name}: pip install 'cnncalc[web]'") from None

    loopback = host in LOOPBACK
    listening = bind(host, port)
    port = listening.getsockname()[1]
    url = f"http://{f'[{host}]' if ':' in host else host}:{port}/"
    allowed = [*LOOPBACK, "[::1]"] if loopback else None
    config = uvicorn.Config(create_app(allowed), log_level="warning", server_header=False)
    if not loopback:
        typer.echo(f"warning: {host} is reachable from other computers", err=True)
    if open_browser:
        import threading
        import webbrowser

        threading.Timer(0.5, webbrowser.open, [url]).start()
    typer.echo(f"cnncalc serve: {url} (Ctrl+C stops)", err=True)
    uvicorn.Server(config).run(sockets=[listening])


def bind(host: str, port: int) -> socket.socket:
    """The listening socket, bound here so that a busy port is one clear message."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listening = socket.socket(family, socket.SOCK_STREAM)
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listening.bind((host, port))
    except OSError as error:
        listening.close()
        raise SpecError(f"cannot listen on {host}:{port}: {error.strerror}") from None
    return listening
