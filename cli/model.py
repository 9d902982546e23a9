"""`maskscreen train`: build the model from the labelled corpus."""

from __future__ import annotations

from pathlib import Path

import click


def _default_out(version: str) -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("maskscreen")) / "models" / version


@click.command()
@click.option("--out", type=click.Path(file_okay=False), help="Write the model here (default: <data dir>/models/<version>).")
@click.option("--seed", default=0, show_default=True, help="Random seed: same corpus and seed, same model.")
@click.option("--folds", default=5, show_default=True, type=click.IntRange(2, 20), help="Cross-validation folds.")
@click.option("--target-precision", default=0.95, show_default=True, type=click.FloatRange(0.5, 1.0),
              help="The flag threshold is the lowest score with at least this cross-validated precision.")
@click.option("--corpus", "corpus_files", multiple=True, type=click.Path(dir_okay=False, exists=True),
              help="Corpus JSONL files (default: the corpus shipped with maskscreen). Repeatable.")
def train(out, seed, folds, target_precision, corpus_files) -> None:
    """Train the classifier on the labelled corpus and write a versioned model.

    Prints cross-validated precision and recall per label and per language,
    then writes model.skops and metrics.json.

    \b
    Example:
      maskscreen train --out ./model && maskscreen check --model ./model --text "硅胶面具 真人"
    """
    from classifier.corpus import corpus_hash, load_corpus
    from classifier.model import save_model
    from classifier.train import train as run_training

    paths = [Path(p) for p in corpus_files] or None
    examples = load_corpus(paths)
    click.echo(f"corpus: {len(examples)} listings", err=True)
    result = run_training(
        examples,
        corpus_sha256=corpus_hash(paths),
        seed=seed,
        folds=folds,
        target_precision=target_precision,
        progress=lambda message: click.echo(f"  {message}", err=True),
    )
    figures = result.metadata["cross_validation"]
    click.echo(f"cross-validated ({folds} folds), threshold {result.metadata['threshold']:.3f}:")
    for label in ("realistic_face_mask", "custom_face_copy", "benign"):
        m = figures["labels"][label]
        click.echo(f"  {label:20} precision {m['precision']:.3f}  recall {m['recall']:.3f}  f1 {m['f1']:.3f}  n={m['support']}")
    click.echo(f"  macro F1 {figures['labels']['macro_f1']:.3f}")
    for language, m in figures["flagged"].items():
        click.echo(f"  flagged vs benign [{language:5}] precision {m['precision']:.3f}  recall {m['recall']:.3f}  n={m['support']}")
    for signal, m in figures["signals"].items():
        click.echo(f"  signal {signal:20} precision {m['precision']:.3f}  recall {m['recall']:.3f}")
    directory = Path(out) if out else _default_out(result.metadata["model_version"])
    save_model(result.pipeline, result.metadata, directory)
    click.echo(f"model {result.metadata['model_version']} written to {directory}")
    click.echo(f"use it with --model {directory} or MASKSCREEN_MODEL={directory}", err=True)


def register(group: click.Group) -> None:
    group.add_command(train)
