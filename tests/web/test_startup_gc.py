"""While the app serves, what startup made (the warmed model above all) is kept out of the
garbage collector's passes; at shutdown it is handed back, and garbage is not frozen."""

from __future__ import annotations

import asyncio
import gc
import weakref

from maskscreen.db import open_database
from maskscreen.web import WebSettings, create_app


class Node:
    def __init__(self):
        self.other = None


def test_serving_freezes_the_warmed_model_collects_garbage_first_and_hands_back(tmp_path, model):
    url = f"sqlite:///{tmp_path / 'web.sqlite'}"
    engine = open_database(url)
    app = create_app(WebSettings(database_url=url), engine=engine, model=model)
    a, b = Node(), Node()
    a.other, b.other = b, a  # garbage in a cycle, made before startup
    gone = weakref.ref(a)
    del a, b
    seen = {}

    async def serve_once():
        async with app.router.lifespan_context(app):
            seen["frozen"] = gc.get_freeze_count()
            seen["garbage kept"] = gone() is not None

    try:
        asyncio.run(serve_once())
    finally:
        engine.dispose()
    assert seen["frozen"] > 10_000  # the model's objects, not a handful
    assert not seen["garbage kept"]
    assert gc.get_freeze_count() == 0
