"""A real uvicorn server on 127.0.0.1 running the web app, in a thread of the test process."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

import uvicorn

from maskscreen.web import WebSettings, create_app


class Served:
    """The app over ``database_url`` (model given, loaded once per test session), listening
    on a free loopback port until ``stop``."""

    def __init__(self, database_url: str, model: Any, **settings: Any) -> None:
        app = create_app(WebSettings(database_url=database_url, **settings), model=model)
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(128)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        config = uvicorn.Config(app, log_config=None, access_log=False, lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )

    def start(self) -> Served:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the web app did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(15)
        self.sock.close()
