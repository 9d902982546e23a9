"""CSV cells that a spreadsheet will not run: the one rule every CSV maskscreen writes uses.

A spreadsheet runs a cell that begins with one of ``FORMULA_STARTS`` as a formula
(OWASP, "CSV injection"); titles and seller names come from the sellers we screen. No
imports: the CLI's light commands and the web app load it for nothing.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """``text`` with a leading apostrophe if a spreadsheet would run it, as OWASP says."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text
