"""`maskscreen train`: build the model from the labelled corpus."""

from __future__ import annotations

from pathlib import Path

import click

from maskscreen.cli.options import database_option, model_option


def _default_out(version: str) -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("maskscreen")) / "models" / version


@click.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False),
    help="Write the model here (default: <data dir>/models/<version>).",
)
@click.option(
    "--seed", default=0, show_default=True, help="Random seed: same corpus and seed, same model."
)
@click.option(
    "--folds",
    default=5,
    show_default=True,
    type=click.IntRange(2, 20),
    help="Cross-validation folds.",
)
@click.option(
    "--target-precision",
    default=0.95,
    show_default=True,
    type=click.FloatRange(0.5, 1.0),
    help="The flag threshold is the lowest score with at least this cross-validated precision.",
)
@click.option(
    "--corpus",
    "corpus_files",
    multiple=True,
    type=click.Path(dir_okay=False, exists=True),
    help="Corpus JSONL files (default: the corpus shipped with maskscreen). Repeatable.",
)
@click.option(
    "--with-reviews",
    is_flag=True,
    help="Add reviewers' confirmed and dismissed decisions from the database to the training data.",
)
@click.option(
    "--evasion-head",
    is_flag=True,
    help="Also fit the learned evasion head (patterns OR head decide the evasion signal).",
)
@database_option
def train(
    out, seed, folds, target_precision, corpus_files, with_reviews, evasion_head, database_url
) -> None:
    """Train the classifier on the labelled corpus and write a versioned model.

    Trains on the written corpus minus its fixed test split plus the training part of
    the real-grounded records, chooses the flag thresholds by cross-validation on
    that training split only, evaluates on the written test split, the real-grounded
    dev set and the behavioural tests, and writes model.skops, metrics.json and the
    model card MODEL.md.

    With --with-reviews, every confirmed and dismissed review case in the database
    joins the training data with the reviewer's label (the test split stays as it
    is; a listing whose text equals a test example's is left out).

    \b
    Examples:
      maskscreen train --out ./model && maskscreen check --model ./model --text "硅胶面具 真人"
      maskscreen train --with-reviews --db postgresql://maskscreen@db.internal/maskscreen
    """
    from maskscreen.classifier.augment import synthetic_examples
    from maskscreen.classifier.corpus import corpus_hash, load_corpus
    from maskscreen.classifier.grounded import grounded_split, load_grounded
    from maskscreen.classifier.model import save_model
    from maskscreen.classifier.split import load_test_ids, split
    from maskscreen.classifier.train import train as run_training

    paths = [Path(p) for p in corpus_files] or None
    examples = load_corpus(paths)
    train_examples, test_examples = split(examples, load_test_ids())
    grounded_train, dev_examples = ([], []) if paths else grounded_split(load_grounded())
    train_examples += grounded_train
    click.echo(
        f"corpus: {len(examples)} written listings ({len(test_examples)} held out for the "
        f"test split) and {len(grounded_train) + len(dev_examples)} real-grounded ones "
        f"({len(dev_examples)} held out as the dev set); training on {len(train_examples)}",
        err=True,
    )
    data_hash = corpus_hash(paths)
    reviewed: list = []
    if with_reviews:
        reviewed, dropped = _review_examples(database_url, test_examples)
        click.echo(
            f"review labels: {len(reviewed)} added to the training data"
            f"{f', {dropped} left out (same text as a test example)' if dropped else ''}",
            err=True,
        )
        data_hash = _with_reviews_hash(data_hash, reviewed)
    result = run_training(
        [*train_examples, *reviewed],
        test_examples=test_examples,
        dev_examples=dev_examples,
        synthetic=[] if paths else synthetic_examples(seed=seed),
        corpus_sha256=data_hash,
        seed=seed,
        folds=folds,
        target_precision=target_precision,
        progress=lambda message: click.echo(f"  {message}", err=True),
        evasion_head=evasion_head or None,
    )
    figures = result.metadata["cross_validation"]
    click.echo(f"cross-validated ({folds} folds), threshold {result.metadata['threshold']:.3f}:")
    for label in ("realistic_face_mask", "custom_face_copy", "benign"):
        m = figures["labels"][label]
        click.echo(
            f"  {label:20} precision {m['precision']:.3f}  recall {m['recall']:.3f}  f1 {m['f1']:.3f}  n={m['support']}"
        )
    click.echo(f"  macro F1 {figures['labels']['macro_f1']:.3f}")
    for language, m in figures["flagged"].items():
        click.echo(
            f"  flagged vs benign [{language:5}] precision {m['precision']:.3f}  recall {m['recall']:.3f}  n={m['support']}"
        )
    for signal, m in figures["signals"].items():
        click.echo(f"  signal {signal:20} precision {m['precision']:.3f}  recall {m['recall']:.3f}")
    for key, title in (("test", "written test split"), ("dev", "real-grounded dev set")):
        report = result.metadata.get(key)
        if report:
            click.echo(f"{title} ({report['size']} listings):")
            for language, m in report["flagged"].items():
                click.echo(
                    f"  flagged vs benign [{language:5}] precision {m['precision']:.3f}  recall {m['recall']:.3f}  n={m['support']}"
                )
            click.echo(f"  macro F1 {report['labels']['macro_f1']:.3f}")
    _print_behaviour(result.metadata["behaviour"])
    result.metadata["review_labels"] = len(reviewed)
    directory = Path(out) if out else _default_out(result.metadata["model_version"])
    save_model(result.pipeline, result.metadata, directory, result.evasion_head)
    click.echo(f"model {result.metadata['model_version']} written to {directory}")
    click.echo(f"use it with --model {directory} or MASKSCREEN_MODEL={directory}", err=True)


def _review_examples(database_url: str | None, test_examples: list) -> tuple[list, int]:
    """Reviewers' decisions as training examples, minus any whose text is a test example's.

    Confirmed (and later) cases take the verdict's dangerous label (realistic_face_mask
    when the verdict was benign or is unknown); dismissed cases are benign.
    """
    from sqlalchemy.orm import Session

    from maskscreen.classifier.corpus import Example
    from maskscreen.classifier.normalize import normalize
    from maskscreen.classifier.verdict import SIGNALS
    from maskscreen.db import open_database, review_labels

    engine = open_database(database_url)
    try:
        with Session(engine) as session, session.begin():
            rows = review_labels(session)
    finally:
        engine.dispose()
    held_out = {normalize(e.text) for e in test_examples}
    examples, dropped = [], 0
    for row in rows:
        if not (row.title and row.title.strip()):
            continue
        if row.confirmed:
            dangerous = row.predicted_label not in (None, "benign")
            label = row.predicted_label if dangerous else "realistic_face_mask"
        else:
            label = "benign"
        example = Example(
            id=f"review-{row.listing_id}",
            language="zh" if (row.language or "").lower().startswith("zh") else "en",
            family="review",
            title=row.title,
            description=row.description or "",
            label=label,
            signals={s: bool(row.signals.get(s)) for s in SIGNALS},
        )
        if normalize(example.text) in held_out:
            dropped += 1
            continue
        examples.append(example)
    return examples, dropped


def _with_reviews_hash(corpus_sha256: str, examples: list) -> str:
    """The corpus hash extended with the review examples: new labels, a new model version."""
    import hashlib

    digest = hashlib.sha256(corpus_sha256.encode())
    for e in examples:
        digest.update(f"\0{e.id}\0{e.label}\0{e.text}".encode())
    return digest.hexdigest()


@click.command()
@click.argument("file", required=False, type=click.Path(dir_okay=False, exists=True))
@click.option(
    "--report",
    "report_dir",
    type=click.Path(file_okay=False),
    help="Write PNG charts and an HTML page here.",
)
@click.option("--json", "as_json", is_flag=True, help="All figures as one JSON object.")
@click.option(
    "--worst",
    default=15,
    show_default=True,
    type=click.IntRange(0),
    help="How many worst errors to list.",
)
@model_option
def evaluate(file, report_dir, as_json, worst, model_dir) -> None:
    """Measure the model on labelled listings, beside the keyword-blocklist baseline.

    FILE is labelled JSONL in the corpus format (default: the written corpus's fixed
    test split, then the real-grounded dev set, reported apart). Prints precision,
    recall and F1 per label and per language, the confusion matrix, signal and
    concept figures, the worst errors, and the behavioural tests' failure rates per
    test type and language (on held-out lexicon words).

    \b
    Example:
      maskscreen evaluate --report ./eval && open ./eval/index.html
    """
    from maskscreen.classifier.behaviour import generate, run
    from maskscreen.classifier.corpus import load_corpus
    from maskscreen.classifier.evaluate import evaluate_model
    from maskscreen.classifier.grounded import grounded_split, load_grounded
    from maskscreen.classifier.model import load_model
    from maskscreen.classifier.split import load_test_ids, split
    from maskscreen.cli.output import dumps

    model = load_model(model_dir)
    if file:
        sets = [(f"maskscreen evaluation: {Path(file).name}", load_corpus([Path(file)]))]
    else:
        _, test = split(load_corpus(), load_test_ids())
        _, dev = grounded_split(load_grounded())
        sets = [
            ("maskscreen evaluation: written test split", test),
            ("maskscreen evaluation: real-grounded dev set", dev),
        ]
    reports = [(title, evaluate_model(model, examples, worst=worst)) for title, examples in sets]
    behaviour = run(model, generate())
    report = reports[0][1]
    if as_json:
        everything = dict(report)
        if len(reports) > 1:
            everything["dev"] = reports[1][1]
        everything["behaviour"] = behaviour
        click.echo(dumps(everything))
    else:
        for title, each in reports:
            click.echo(f"== {title.split(': ', 1)[1]}")
            _print_report(each)
        _print_behaviour(behaviour)
    title = reports[0][0]
    if report_dir:
        from maskscreen.classifier.report import write_report

        try:
            path = write_report(report, report_dir, title)
        except OSError as exc:
            raise click.ClickException(
                f"cannot write the report to {report_dir}: {exc.strerror}"
            ) from exc
        click.echo(f"report: {path}", err=True)


def _print_report(report: dict) -> None:
    from maskscreen.classifier.verdict import LABELS
    from maskscreen.cli.output import safe

    click.echo(
        f"{report['size']} listings, model {report['model_version']}, threshold {report['threshold']:.3f}"
    )
    click.echo("flagged vs benign        model: precision recall   blocklist: precision recall")
    for language, m in report["flagged"].items():
        b = report["baseline"]["flagged"].get(language, {"precision": 0, "recall": 0})
        click.echo(
            f"  {language:8} n={m['support']:<5}        {m['precision']:.3f}    {m['recall']:.3f}"
            f"                {b['precision']:.3f}    {b['recall']:.3f}"
        )
    click.echo("per label: precision recall f1 n")
    for label in LABELS:
        m = report["labels"][label]
        click.echo(
            f"  {label:20} {m['precision']:.3f} {m['recall']:.3f} {m['f1']:.3f} {m['support']}"
        )
    click.echo(f"  macro F1 {report['labels']['macro_f1']:.3f}")
    click.echo("confusion (rows true, columns predicted: " + ", ".join(LABELS) + ")")
    for label in LABELS:
        click.echo(
            f"  {label:20} " + " ".join(f"{report['confusion'][label][p]:5}" for p in LABELS)
        )
    click.echo("signals: precision recall")
    for signal, m in report["signals"].items():
        click.echo(f"  {signal:20} {m['precision']:.3f} {m['recall']:.3f} (n={m['support']})")
    click.echo("concepts found: listings, flagged vs benign precision recall on them")
    for concept, m in report.get("concepts", {}).items():
        click.echo(
            f"  {concept:20} {m['listings']:5}  {m['precision']:.3f} {m['recall']:.3f} (n={m['support']})"
        )
    click.echo(
        f"language identified as labelled: {report.get('language_identified', 0):.3f}; "
        f"unsupported language: {report.get('unsupported_language', 0)}"
    )
    click.echo(f"worst errors ({report['errors']} in all):")
    for e in report["worst_errors"]:
        click.echo(
            f"  {e['id']} {e['truth']} -> {e['predicted']} {e['score']:.3f}  {safe(e['title'])[:80]}"
        )


def _print_behaviour(behaviour: dict) -> None:
    """Failure rates per test type (rows) and language (columns), held-out words."""
    rates = behaviour["rates"]
    languages = sorted({lang for by in rates.values() for lang in by if lang != "all"})
    click.echo("behavioural tests, failure rate on held-out words (cases):")
    click.echo("  type " + "".join(f"{lang:>7}" for lang in [*languages, "all"]))
    for test, by in rates.items():
        cells = [by.get(lang) for lang in [*languages, "all"]]
        click.echo(
            f"  {test:4} "
            + "".join(f"{c['rate']:7.1%}" if c else f"{'-':>7}" for c in cells)
            + f"  ({by['all']['cases'] if 'all' in by else 0})"
        )


@click.group()
def model() -> None:
    """Work with a trained model's files.

    \b
    Example:
      maskscreen model runtime classifier/model
    """


@model.command("runtime")
@click.argument(
    "directories", nargs=-1, required=True, type=click.Path(file_okay=False, exists=True)
)
def runtime_command(directories) -> None:
    """(Re)write runtime.npz beside each model.skops; the model itself is not touched.

    \b
    Example:
      maskscreen model runtime classifier/model
    """
    from maskscreen.classifier.model import write_runtime

    for directory in directories:
        click.echo(write_runtime(directory))


def register(group: click.Group) -> None:
    group.add_command(train)
    group.add_command(evaluate)
    group.add_command(model)
