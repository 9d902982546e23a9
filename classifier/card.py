"""The model card (MODEL.md), written by training beside the model."""

from __future__ import annotations

from maskscreen.classifier.verdict import LABELS


def _row(name: str, m: dict) -> str:
    return f"| {name} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | {m['support']} |"


def model_card(metadata: dict) -> str:
    test = metadata.get("test") or {}
    cv = metadata["cross_validation"]
    lines = [
        f"# maskscreen model `{metadata['model_version']}`",
        "",
        "Written by `maskscreen train`; do not edit by hand.",
        "",
        "## Data",
        "",
        (
            f"- corpus: {metadata['corpus_size']} listings written for the project "
            f"(sha256 `{metadata['corpus_sha256'][:16]}…`), by language {metadata['corpus_by_language']}"
        ),
        (
            f"- trained on {metadata['train_size']} listings; {metadata.get('test_size', 0)} held out as the "
            "fixed test split (classifier/data/test_split.txt), never used for training, tuning or the threshold"
        ),
        f"- review labels used: {metadata.get('review_labels', 0)}",
        "",
        "## Model",
        "",
        (
            "Normalised text (NFKC, case, traditional→simplified, disguises folded) → spaCy tokens "
            "(blank `en`; blank `zh` with jieba) as word 1–2-grams + character 1–4-grams within words, "
            "TF-IDF (vocabularies kept as arrays of 64-bit n-gram hashes) → "
            "logistic regression, sigmoid-calibrated. Score = 1 − P(benign)."
        ),
        "",
        (
            f"- flag threshold: **{metadata['threshold']:.3f}**, the lowest score whose cross-validated "
            f"precision on the training split is ≥ {metadata['target_precision']} (highest recall there)"
        ),
        f"- signal patterns: `{metadata['lexicon_version']}`; seed {metadata['seed']}",
        "",
    ]
    if test:
        lines += [
            "## Held-out test split",
            "",
            "| flagged vs benign | precision | recall | F1 | n |",
            "|---|---|---|---|---|",
            *[_row(language, m) for language, m in test["flagged"].items()],
            "",
            "| label | precision | recall | F1 | n |",
            "|---|---|---|---|---|",
            *[_row(label, test["labels"][label]) for label in LABELS],
            f"\nMacro F1 over the three labels: **{test['labels']['macro_f1']:.3f}**.",
            "",
            "Keyword blocklist baseline on the same split:",
            "",
            "| flagged vs benign | precision | recall | F1 | n |",
            "|---|---|---|---|---|",
            *[_row(language, m) for language, m in test["baseline"]["flagged"].items()],
            "",
            "| signal | precision | recall | F1 | n |",
            "|---|---|---|---|---|",
            *[_row(signal, m) for signal, m in test["signals"].items()],
            "",
        ]
    lines += [
        "## Cross-validation on the training split",
        "",
        "| flagged vs benign | precision | recall | F1 | n |",
        "|---|---|---|---|---|",
        *[_row(language, m) for language, m in cv["flagged"].items()],
        "",
        "## Known failure modes",
        "",
        (
            "- Listings that describe a dangerous product only in images (text says little) are missed: "
            "the model reads text only."
        ),
        (
            "- Sellers' newest euphemisms that the corpus has not seen yet score low until they are added; "
            "signals catch some of them."
        ),
        (
            "- Realistic-looking non-human masks (animals, fantasy creatures) described with human-mask "
            "vocabulary can be flagged; reviewers dismiss them and `train --with-reviews` learns from it."
        ),
        (
            "- A custom photo product that is not a face copy (photo pillows, 3D-printing services) shares "
            "made-to-order wording and sometimes scores high."
        ),
        "- Languages other than English and Chinese are outside the corpus.",
        "",
    ]
    if test.get("worst_errors"):
        lines += ["## Worst errors on the test split", ""]
        for error in test["worst_errors"][:10]:
            title = error["title"].replace("|", "/").replace("\n", " ")[:90]
            lines.append(
                f"- `{error['id']}` {error['truth']} → {error['predicted']} ({error['score']:.2f}): {title}"
            )
        lines.append("")
    return "\n".join(lines)
