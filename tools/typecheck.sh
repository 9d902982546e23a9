#!/usr/bin/env bash
# Type-check the installed names with mypy: tools/typecheck.sh [PACKAGE...]
#
# pyproject.toml installs the folders cli/, crawler/, classifier/ and db/ as
# maskscreen.cli, maskscreen.crawler, maskscreen.classifier and maskscreen.db; the
# editable install maps them with an import hook that mypy cannot follow, and mypy has
# no package-dir mapping of its own. So this builds a throwaway tree
# <tmp>/maskscreen/{cli,crawler,classifier,db,web} of symlinks to the checkout's folders and
# runs mypy there, with pyproject.toml's [tool.mypy] (strict for maskscreen.db).
#
#   tools/typecheck.sh                         # maskscreen.db, as CI does
#   tools/typecheck.sh maskscreen.web          # any of the five, one or more
#
# Paths in mypy's messages are the checkout's (db/store.py, not maskscreen/db/store.py).
# MYPY names another mypy (default: the checkout's .venv/bin/mypy); the cache is the
# checkout's .mypy_cache. Exit status: mypy's.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
mypy="${MYPY:-$root/.venv/bin/mypy}"

tree="$(mktemp -d)"
trap 'rm -rf "$tree"' EXIT
mkdir "$tree/maskscreen"  # no __init__.py: a namespace package, as when installed
for folder in cli crawler classifier db web; do
    ln -s "$root/$folder" "$tree/maskscreen/$folder"
done

packages=()
for name in "${@:-maskscreen.db}"; do
    packages+=(-p "$name")
done
cd "$tree"
"$mypy" --config-file "$root/pyproject.toml" --cache-dir "$root/.mypy_cache" "${packages[@]}" |
    sed -E 's#^maskscreen/(cli|crawler|classifier|db|web)/#\1/#'
