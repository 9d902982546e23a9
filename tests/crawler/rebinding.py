"""`maskscreen check --render` where the test is the DNS: a shop name only the crawl's
resolver knows, answered by a hostile name server.

Run in a subprocess by test_render.py (one reactor per process):

    python -m tests.crawler.rebinding stable|rebind CHECK-ARGUMENTS...

The crawl's settings module is given `ControlledResolver` as TWISTED_DNS_RESOLVER (the
setting a deployment would change); everything else is `maskscreen check` as users run
it. `stable` answers NAME with 127.0.0.1 every time; `rebind` alternates 127.0.0.1 and
127.0.0.2, the way a rebinding name server answers one address when the name is checked
and another when it is connected to. Other names go to the system as usual.
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Iterator

from twisted.internet import defer

from maskscreen.crawler import settings
from maskscreen.crawler.network import PolicyResolver

NAME = "shop.rebind.test"
ANSWERS = {"stable": ("127.0.0.1",), "rebind": ("127.0.0.1", "127.0.0.2")}


class ControlledResolver(PolicyResolver):
    """PolicyResolver whose answers for NAME come from the test, never from a cache."""

    answers: Iterator[str] = iter(())

    def getHostByName(self, name: str, timeout=()):  # noqa: N802 (Twisted's name)
        if name != NAME:
            return super().getHostByName(name, timeout)
        deferred = defer.succeed(next(self.answers))
        deferred.addCallback(self._check, name)  # the policy's own check
        return deferred


def main(mode: str, arguments: list[str]) -> None:
    ControlledResolver.answers = itertools.cycle(ANSWERS[mode])
    settings.TWISTED_DNS_RESOLVER = f"{__name__}.ControlledResolver"
    from maskscreen.cli.main import main as cli_main

    sys.argv = ["maskscreen", *arguments]
    cli_main()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
