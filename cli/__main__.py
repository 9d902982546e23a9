"""`python -m maskscreen.cli` runs the maskscreen command."""

from maskscreen.cli.main import main

main()
