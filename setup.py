"""For scrapyd-deploy only; pip reads pyproject.toml (this file then just calls setup()).

scrapyd-deploy builds a Scrapyd egg by running `python setup.py clean -a` and
`python setup.py bdist_egg -d DIR` here. The egg it gets holds the Scrapy project:
the `maskscreen.crawler` package (settings, spiders, pipelines, extraction, its data files) and
the entry point `scrapy: settings = maskscreen.crawler.settings`. The libraries it uses,
`maskscreen.classifier` (with its model) and `maskscreen.db` (with its migrations), come from the
maskscreen installed on the Scrapyd host: Scrapyd runs eggs as zip files, and the
model and migrations are read as files. See docs/operations.md.
"""

import os
import shutil
import sys
import tempfile
import tomllib
from pathlib import Path

from setuptools import setup

ROOT = Path(__file__).resolve().parent
EGG_PACKAGES = [
    "maskscreen.crawler",
    "maskscreen.crawler.extract",
    "maskscreen.crawler.jobs",
    "maskscreen.crawler.spiders",
    "maskscreen.crawler.demo",
]


def build_scrapyd_egg(args: list[str]) -> None:
    """`bdist_egg [-d DIR]` of the crawler package alone, built in a temporary folder
    without pyproject.toml (setuptools would take the whole distribution from it)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    dist = Path(args[args.index("-d") + 1]).resolve() if "-d" in args else ROOT / "dist"
    with tempfile.TemporaryDirectory(prefix="maskscreen-egg-") as staging:
        shutil.copytree(
            ROOT / "crawler",
            Path(staging) / "maskscreen" / "crawler",
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
        )
        os.chdir(staging)
        try:
            setup(
                name="maskscreen-crawler",
                version=config["project"]["version"],
                description="maskscreen's Scrapy project, for Scrapyd",
                packages=EGG_PACKAGES,
                package_data={
                    "maskscreen.crawler": config["tool"]["setuptools"]["package-data"][
                        "maskscreen.crawler"
                    ]
                },
                entry_points={"scrapy": ["settings = maskscreen.crawler.settings"]},
                zip_safe=False,
                script_args=["bdist_egg", "-d", str(dist)],
            )
        finally:
            os.chdir(ROOT)


if __name__ == "__main__" and sys.argv[1:2] == ["clean"]:
    pass  # scrapyd-deploy's `clean -a`: the egg is built in a temporary folder
elif __name__ == "__main__" and sys.argv[1:2] == ["bdist_egg"]:
    build_scrapyd_egg(sys.argv[2:])
else:
    setup()
