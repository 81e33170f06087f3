"""The web page's command: serve."""

from __future__ import annotations

import importlib.util

import typer

from ..errors import SpecError
from .app import app, user_errors

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@app.command()
@user_errors
def serve(
    host: str = typer.Option(
        "127.0.0.1", "--host", help="Address to listen on; only this computer by default."
    ),
    port: int = typer.Option(8000, "--port", min=0, max=65535, help="Port to listen on."),
    open_browser: bool = typer.Option(False, "--open", help="Open the page in a browser."),
) -> None:
    """Run the calculator in the browser: analyze, exercises and class grading on one page.

    The page works offline (everything ships in the package). Needs the web extra:
    pip install 'cnncalc[web]'.

    Example:

        cnncalc serve --open
    """
    missing = [name for name in ("starlette", "uvicorn") if importlib.util.find_spec(name) is None]
    if missing:
        raise SpecError(f"cnncalc serve needs {' and '.join(missing)}: pip install 'cnncalc[web]'")
    import uvicorn

    from ..web.app import create_app

    loopback = host in LOOPBACK
    allowed = [*LOOPBACK, "[::1]"] if loopback else None
    address = f"[{host}]" if ":" in host else host
    url = f"http://{address}:{port}/"
    config = uvicorn.Config(
        create_app(allowed), host=host, port=port, log_level="warning", server_header=False
    )
    server = uvicorn.Server(config)
    if not loopback:
        typer.echo(f"warning: {host} is reachable from other computers", err=True)
    if open_browser:
        import threading
        import webbrowser

        threading.Timer(0.5, webbrowser.open, [url]).start()
    typer.echo(f"cnncalc serve: {url} (Ctrl+C stops)", err=True)
    server.run()
