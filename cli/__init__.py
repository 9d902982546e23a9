"""maskscreen's command line: thin commands over crawler/, classifier/ and db/."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("maskscreen")
except PackageNotFoundError:  # running from a checkout that is not installed
    __version__ = "0.0.0"

# Exit codes: 0 done (check: benign), 1 check: flagged, 2 error or usage error,
# 3 busy: another crawl of the site is running, 4 run-due: a crawl's monitors failed,
# 5 a crawl ran but lost listings or fetched nothing (its run is failed, with the reason).
EXIT_OK = 0
EXIT_FLAGGED = 1
EXIT_ERROR = 2
EXIT_BUSY = 3
EXIT_MONITORS = 4
EXIT_LOST = (
    5  # the command ran, but lost or skipped data (a crawl that lost listings or fetched nothing)
)
