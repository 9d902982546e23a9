"""Two concept lexicons compared on grouped out-of-fold predictions of the training material
(bench/score_oof.py's folds and fits; never the dev set, never the test split).

    python bench/lexicon_oof.py run NAME LEXICON [--cases CASES_LEXICON]
    python bench/lexicon_oof.py table NAME LEXICON [--cases CASES_LEXICON]

`run` fits bench/score_oof.py's three grouped folds with LEXICON as the shipped lexicon (the
concept features, the concept abstraction and the synthetic titles all read it) and stores
the decisions in CACHE/NAME/. The behavioural cases are generated from CASES_LEXICON
(default: LEXICON) with the training words held out *and* with the test words held out, so
two lexicons can be read on the very same texts (a lexicon that moves words between concepts
changes the cases its own generator draws). `table` prints, at the cuts the shipped score
chooses on these out-of-fold scores (train.choose_thresholds, precision 0.95), the grounded
and written precision and recall, and the behavioural failures of the three fold models
summed, per test type and language, for each held split.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import score_oof

from maskscreen.classifier import behaviour, concepts, train
from maskscreen.classifier import language as language_id
from maskscreen.classifier.normalize import normalize

CACHE = Path("/tmp/lexicon_oof")
HELD = ("train", "test")


def _use_lexicon(path: str) -> None:
    """Every read_lexicon() without a path reads `path` (the function object is shared by
    every module that imported it)."""
    concepts.read_lexicon.__defaults__ = (path,)


def _cases(cases_lexicon: str, held: str) -> list[behaviour.Case]:
    return behaviour.generate(lexicon=concepts.read_lexicon(cases_lexicon), held=held)


def run(args) -> None:
    _use_lexicon(args.lexicon)
    every = [case for held in HELD for case in _cases(args.cases or args.lexicon, held)]
    score_oof.CACHE = CACHE / args.name
    score_oof.behaviour = SimpleNamespace(generate=lambda held="train": every)
    score_oof.run(SimpleNamespace(grouped=True, seed=0, folds=3))


def _rates(verdicts_of_folds, cases) -> tuple[dict, dict]:
    per_language: dict = {}
    per_name: dict = {}
    for verdicts in verdicts_of_folds:
        result = behaviour.run(score_oof._Scored(verdicts), cases)
        for test, rows in result["rates"].items():
            for language, row in rows.items():
                cell = per_language.setdefault((test, language), [0, 0])
                cell[0] += row["failures"]
                cell[1] += row["cases"]
        for name, row in result["by_name"].items():
            cell = per_name.setdefault(name, [0, 0])
            cell[0] += row["failures"]
            cell[1] += row["cases"]
    return per_language, per_name


def table(args) -> None:
    _use_lexicon(args.lexicon)
    stored_run = score_oof.load_run(CACHE / args.name / score_oof.cache_file(True).name)
    stored, raw, sig, labels, y = (
        stored_run.stored, stored_run.raw, stored_run.sig, stored_run.labels, stored_run.y
    )  # fmt: skip
    fold, grounded, detected = stored_run.fold, stored_run.grounded, stored_run.detected
    name = f"{train.SCORE} {train.MARGIN_WEIGHT}" if train.SCORE == "margin" else train.SCORE
    scores = np.zeros(len(y))
    for f in np.unique(fold):  # cross-fitted: each fold scored by the others' calibrator
        rest, mine = fold != f, fold == f
        scores[mine] = score_oof.candidate_scores(
            name, raw[rest], sig[rest], labels[rest], raw[mine], sig[mine]
        )
    overall, by_language = train.choose_thresholds(y, scores, detected, grounded, 0.95)
    flag = scores >= np.array([by_language.get(x, overall) for x in detected])
    cuts = " ".join(f"{k} {v:.3f}" for k, v in sorted(by_language.items()))
    print(f"{args.name}: score {name}, cuts overall {overall:.3f} {cuts}")
    for part_name, part in (("grounded", grounded), ("written", ~grounded)):
        tp = int((flag & y & part).sum())
        flagged, positives = int((flag & part).sum()), int((y & part).sum())
        print(
            f"  {part_name:9} P {tp / max(flagged, 1):.4f} R {tp / positives:.4f}"
            f"  (tp {tp}, flagged {flagged}, positives {positives})"
        )
    texts = list(stored["btexts"])
    languages = language_id.identify([normalize(t) for t in texts])
    folds = []
    for k in range(len(stored["braw"])):
        values = score_oof.candidate_scores(
            name, raw, sig, labels, stored["braw"][k], stored["bsig"][k]
        )
        folds.append(
            {
                t: SimpleNamespace(
                    score=round(float(s), 4), flagged=bool(s >= by_language.get(lang, overall))
                )
                for t, s, lang in zip(texts, values, languages, strict=True)
            }
        )
    for held in HELD:
        per_language, per_name = _rates(folds, _cases(args.cases or args.lexicon, held))
        print(f"  behaviour, {held} words held out ({len(folds)} fold models summed):")
        for test in behaviour.TEST_TYPES:
            cells = [
                f"{language} {f}/{n}"
                for (t, language), (f, n) in sorted(per_language.items())
                if t == test and (f or language in ("all", "en"))
            ]
            print(f"    {test}: " + ", ".join(cells))
        failing = [f"{n} {f}/{c}" for n, (f, c) in sorted(per_name.items()) if f]
        print("    failing: " + ", ".join(failing))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for command in ("run", "table"):
        one = sub.add_parser(command)
        one.add_argument("name")
        one.add_argument("lexicon", help="the concept lexicon file the folds are fitted with")
        one.add_argument("--cases", help="the lexicon the behavioural cases are drawn from")
    args = parser.parse_args()
    run(args) if args.command == "run" else table(args)


if __name__ == "__main__":
    sys.exit(main())
