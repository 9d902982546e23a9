"""The evasion_claim patterns against the marks of the training material, by part and
language: the grounded records' training side (grounded.grounded_split: the dev set is
dropped before anything is read) and the written corpus minus its test split.

    python bench/evasion_sides.py [--patterns FILE] [--list] [--lang xx]

Chinese is split by script: zh-Hant where the text holds traditional characters
(normalisation changes them), zh-Hans otherwise. With --list, every miss (marked, not
found) and false mark (found, not marked) follows the figures, with the matched text.
"""

from __future__ import annotations

import argparse
from collections import defaultdict

from maskscreen.classifier.corpus import load_corpus
from maskscreen.classifier.grounded import grounded_split, load_grounded
from maskscreen.classifier.normalize import _traditional_to_simplified, normalize
from maskscreen.classifier.signals import SignalMatcher
from maskscreen.classifier.split import load_test_ids, split

SIGNAL = "evasion_claim"


def language_of(example) -> str:
    if example.language != "zh":
        return example.language
    text = f"{example.title} {example.description}"
    return "zh-Hant" if text.translate(_traditional_to_simplified()) != text else "zh-Hans"


def parts() -> dict[str, list]:
    written, _ = split(load_corpus(), load_test_ids())
    grounded, _ = grounded_split(load_grounded())  # the dev set never leaves this call
    return {"grounded-train": grounded, "written-train": written}


def figures(rows: list[tuple[bool, bool]]) -> str:
    tp = sum(t and p for t, p in rows)
    fp = sum(p and not t for t, p in rows)
    fn = sum(t and not p for t, p in rows)
    precision = tp / (tp + fp) if tp + fp else float("nan")
    recall = tp / (tp + fn) if tp + fn else float("nan")
    return f"P {precision:.3f} R {recall:.3f} (tp {tp} fp {fp} fn {fn})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--patterns", help="a signals.json to measure (default: shipped)")
    parser.add_argument("--list", action="store_true", help="list misses and false marks")
    parser.add_argument("--lang", help="only this language (en, zh-Hant, ...) in the list")
    args = parser.parse_args()
    matcher = SignalMatcher.from_file(args.patterns)
    print(matcher.version)  # noqa: T201
    wrong = []
    for name, examples in parts().items():
        by_language: dict[str, list[tuple[bool, bool]]] = defaultdict(list)
        for example in examples:
            matches = [m for m in matcher.find(normalize(example.text)) if m.signal == SIGNAL]
            marked = bool(example.signals.get(SIGNAL, False))
            language = language_of(example)
            by_language[language].append((marked, bool(matches)))
            by_language["all"].append((marked, bool(matches)))
            if marked != bool(matches):
                wrong.append((name, language, example, marked, matches))
        for language in sorted(by_language, key=lambda x: (x != "all", x)):
            print(f"{name:15} {language:8} {figures(by_language[language])}")  # noqa: T201
    if args.list:
        for name, language, example, marked, matches in wrong:
            if args.lang and language != args.lang:
                continue
            kind = "MISS" if marked else "FALSE"
            found = " | ".join(m.text for m in matches)
            print(f"\n{kind} {name} {language} {example.id} {example.label}: {found}")  # noqa: T201
            print(example.text[:700].replace("\n", " / "))  # noqa: T201


if __name__ == "__main__":
    main()
