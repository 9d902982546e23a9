"""off_platform_contact patterns on the training material only (written corpus minus its
test split, grounded records minus the dev set), against the records' marks.

    python bench/contact_cv.py [PATTERN_FILE ...]    # default: the shipped file

Prints precision and recall overall, on the grounded part and by language for each file
(in-sample figures: the patterns were written with this material in view), and with
`--misses` the training records each file gets wrong.
"""

from __future__ import annotations

import sys

from maskscreen.classifier.normalize import normalize
from maskscreen.classifier.signals import SignalMatcher
from maskscreen.classifier.train import signal_figures, training_material

SIGNAL = "off_platform_contact"


def main() -> None:
    args = [a for a in sys.argv[1:] if a != "--misses"]
    examples = training_material()
    for path in args or [None]:
        matcher = SignalMatcher.from_file(path)
        print(matcher.version, path or "shipped")  # noqa: T201
        for name, row in signal_figures(examples, matcher, SIGNAL).items():
            print(  # noqa: T201
                f"  {name:9} P {row['precision']:.3f} R {row['recall']:.3f} "
                f"(support {row['support']})"
            )
        if "--misses" in sys.argv:
            for e in examples:
                fired = matcher.flags(matcher.find(normalize(e.text)))[SIGNAL]
                if fired != e.signals.get(SIGNAL, False):
                    kind = "FP" if fired else "FN"
                    print(kind, e.id, e.text.replace("\n", " | ")[-200:])  # noqa: T201


if __name__ == "__main__":
    main()
