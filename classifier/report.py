"""An evaluation report on disk: precision-recall curve and confusion matrix as PNG,
and one HTML page holding them with the figures. Every listing text is escaped."""

from __future__ import annotations

import html
from pathlib import Path

from maskscreen.classifier.verdict import LABELS


def _plots(report: dict, directory: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")  # files only, no screen
    import matplotlib.pyplot as plt

    points = report["curve"]
    fig, ax = plt.subplots(figsize=(5, 4), dpi=100)
    ax.plot([p[2] for p in points], [p[1] for p in points], label="model")
    at = min(points, key=lambda p: abs(p[0] - report["threshold"]))
    ax.scatter(
        [at[2]], [at[1]], color="crimson", zorder=3, label=f"threshold {report['threshold']:.2f}"
    )
    base = report["baseline"]["flagged"]["all"]
    ax.scatter(
        [base["recall"]], [base["precision"]], marker="x", color="black", label="keyword blocklist"
    )
    ax.set_xlabel("recall (flagged vs benign)")
    ax.set_ylabel("precision")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.legend(loc="lower left")
    ax.set_title("Precision-recall")
    fig.tight_layout()
    fig.savefig(directory / "precision_recall.png")
    plt.close(fig)

    matrix = [[report["confusion"][t][p] for p in LABELS] for t in LABELS]
    fig, ax = plt.subplots(figsize=(5, 4), dpi=100)
    ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(LABELS)), LABELS, rotation=20)
    ax.set_yticks(range(len(LABELS)), LABELS)
    for i, row in enumerate(matrix):
        for j, value in enumerate(row):
            ax.text(j, i, str(value), ha="center", va="center")
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title("Confusion matrix")
    fig.tight_layout()
    fig.savefig(directory / "confusion.png")
    plt.close(fig)


def _table(headers: list[str], rows: list[list[object]]) -> str:
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _figures(metrics: dict) -> list[list[object]]:
    return [
        [k, f"{m['precision']:.3f}", f"{m['recall']:.3f}", f"{m['f1']:.3f}", m["support"]]
        for k, m in metrics.items()
        if isinstance(m, dict)
    ]


def write_report(report: dict, directory: str | Path, title: str) -> Path:
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    _plots(report, directory)
    columns = ["", "precision", "recall", "F1", "n"]
    errors = [
        [
            e["id"],
            e["truth"],
            e["predicted"],
            f"{e['score']:.3f}",
            e["title"],
            "; ".join(e["reasons"]),
        ]
        for e in report["worst_errors"]
    ]
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto}}table{{border-collapse:collapse;margin:1em 0}}
td,th{{border:1px solid #ccc;padding:.2em .5em;text-align:left}}</style></head><body>
<h1>{html.escape(title)}</h1>
<p>Model {html.escape(report["model_version"])}, threshold {report["threshold"]:.3f}, {report["size"]} listings.</p>
<h2>Flagged vs benign</h2>{_table(columns, _figures(report["flagged"]))}
<h2>Keyword blocklist baseline</h2>{_table(columns, _figures(report["baseline"]["flagged"]))}
<h2>Per label</h2>{_table(columns, _figures(report["labels"]))}
<p>Macro F1: {report["labels"]["macro_f1"]:.3f}</p>
<img src="precision_recall.png" alt="precision-recall curve"> <img src="confusion.png" alt="confusion matrix">
<h2>Signals</h2>{_table(columns, _figures(report["signals"]))}
<h2>Worst errors</h2>{_table(["id", "true", "predicted", "score", "title", "reasons"], errors)}
</body></html>
"""
    path = directory / "index.html"
    path.write_text(page, encoding="utf-8")
    return path
