"""`python -m cli` runs the maskscreen command."""

from cli.main import main

main()
