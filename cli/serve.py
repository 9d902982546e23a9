"""`maskscreen serve`: the web app and the HTTP API in one process (uvicorn).

The CLI opens the resources once, as for any command (the engine at the schema's head,
the model), and hands them to the web app, an edge of its own (web/): the two edges do
not import each other, so the app is found by name, the way uvicorn finds an app.
"""

from __future__ import annotations

import importlib
import logging
import signal
import socket

import click

from maskscreen.cli.context import resources
from maskscreen.cli.options import database_option, model_option

WEB_PACKAGE = "maskscreen.web"


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise click.ClickException(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}"
        ) from exc
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on (0: any free port; the URL printed says which).")  # fmt: skip
@click.option("--secure-cookies", is_flag=True,
              help="Mark cookies Secure: when a TLS proxy is in front (docs/reviewers.md).")  # fmt: skip
@click.option("--forwarded-allow-ips", metavar="IPS",
              help="Proxy addresses whose X-Forwarded-For/-Proto are trusted (comma-separated).")  # fmt: skip
@database_option
@model_option
def serve(host, port, secure_cookies, forwarded_allow_ips, database_url, model_dir) -> None:
    """Serve the reviewers' web app and the HTTP API, with the model loaded once.

    Prints its URL on stderr and stops cleanly on Ctrl+C or SIGTERM. Add accounts
    first with `maskscreen users add`; API docs at /api/docs.

    \b
    Example:
      maskscreen users add ana --role reviewer
      maskscreen serve --port 8000
    """
    import uvicorn

    res = resources()
    engine = res.engine()  # at the schema's head, or one line saying how
    model = res.model()
    web = importlib.import_module(WEB_PACKAGE)
    settings = web.WebSettings(
        database_url=res.database_url, model_dir=res.model_dir, secure_cookies=secure_cookies
    )
    app = web.create_app(settings, engine=engine, model=model)
    sock = _bind(host, port)
    shown = f"[{host}]" if ":" in host else host
    verbose = logging.getLogger().getEffectiveLevel() <= logging.INFO
    config = uvicorn.Config(
        app, log_config=None, access_log=verbose, proxy_headers=bool(forwarded_allow_ips),
        forwarded_allow_ips=forwarded_allow_ips or "127.0.0.1", server_header=False,
        lifespan="on",
    )  # fmt: skip
    click.echo(f"maskscreen: serving on http://{shown}:{sock.getsockname()[1]}/ "
               "(Ctrl+C to stop)", err=True)  # fmt: skip
    # uvicorn shuts down gracefully on SIGINT/SIGTERM, then raises the signal again for the
    # handler found before it started: a no-op here, so the command ends with exit 0.
    previous = {s: signal.signal(s, _stopped) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        sock.close()
        for number, handler in previous.items():
            signal.signal(number, handler)
    click.echo("maskscreen: stopped", err=True)


def _stopped(signum, frame) -> None:
    """The signal has been handled by uvicorn's graceful shutdown already."""


def register(group: click.Group) -> None:
    group.add_command(serve)
