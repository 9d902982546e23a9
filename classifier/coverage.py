"""The corpus coverage table in GUIDELINES.md, generated from the corpus.

    python -m maskscreen.classifier.coverage     # rewrite the table between its markers

A test fails when the table in GUIDELINES.md no longer matches the corpus.
"""

from __future__ import annotations

from collections import Counter
from importlib import resources
from pathlib import Path

from maskscreen.classifier.corpus import Example, load_corpus

BEGIN = "<!-- coverage:begin -->"
END = "<!-- coverage:end -->"
DANGEROUS_FAMILIES = (
    "stock_realistic_mask",
    "full_head_hood",
    "face_film",
    "photo_scan_copy",
    "printed_replica",
)


def guidelines_path() -> Path:
    return Path(str(resources.files("maskscreen.classifier").joinpath("GUIDELINES.md")))


def coverage_table(examples: list[Example]) -> str:
    counts = Counter((e.family, "zh" if e.language == "zh" else "en") for e in examples)
    labels = {e.family: e.label for e in examples}
    families = sorted({e.family for e in examples}, key=lambda f: (f not in DANGEROUS_FAMILIES, f))
    lines = ["| family | label | English | Chinese | all |", "|---|---|---|---|---|"]
    for family in families:
        en, zh = counts[(family, "en")], counts[(family, "zh")]
        lines.append(f"| `{family}` | {labels[family]} | {en} | {zh} | {en + zh} |")
    lines.append(
        f"| **all** | | {sum(v for (_, lang), v in counts.items() if lang == 'en')} "
        f"| {sum(v for (_, lang), v in counts.items() if lang == 'zh')} | {len(examples)} |"
    )
    return "\n".join(lines)


def current_table(text: str) -> str:
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    return text[start:end].strip()


def main() -> None:
    path = guidelines_path()
    text = path.read_text("utf-8")
    table = coverage_table(load_corpus())
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    path.write_text(text[:start] + "\n" + table + "\n" + text[end:], encoding="utf-8")
    print(f"coverage table written to {path}")


if __name__ == "__main__":
    main()
