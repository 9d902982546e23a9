"""The run behind `maskscreen classify`: batches of a catalogue through the model, in order.

With ``jobs`` 1 the model runs in this process. With more, each batch goes to
one of ``jobs`` worker processes (each loads the model once, when it starts) and
verdicts come back in input order; at most two batches per worker are in flight,
and a worker is replaced after WORKER_ROWS rows, so memory stays flat however long
the input is. Worker processes are started by a fork server: a clean process, not
a fork of this one with its reader threads.
"""

from __future__ import annotations

import logging
import sys
import time
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass, field, fields

from maskscreen.classifier.verdict import Verdict
from maskscreen.cli.inputs import BadRows, Batch

# classify's exit codes beside the common ones (cli/__init__.py): every row was
# classified (0), an error stopped the run (2), the run finished but skipped bad rows
# (--skip-bad) so its output is not the whole input (5).
EXIT_SKIPPED = 5
IN_FLIGHT_PER_WORKER = 2
# A worker is replaced by a fresh one after this many rows. The tokenizer keeps every
# new word it meets (spaCy's vocabulary) and caches up to 100,000 pieces of text:
# one process measured 207 MB after 50,000 catalogue rows, 281 MB after 300,000, and
# still growing with every new word. A new worker costs about 0.3 s.
WORKER_ROWS = 200_000
logger = logging.getLogger(__name__)
_VERDICT_FIELDS = tuple(f.name for f in fields(Verdict))


@dataclass
class Summary:
    """What a run did: rows classified, flagged per label, bad rows and where."""

    rows: int = 0
    flagged: Counter = field(default_factory=Counter)
    bad: BadRows = field(default_factory=BadRows)
    seconds: float = 0.0
    stored: Counter | None = None

    def add(self, verdicts: list[dict]) -> None:
        self.rows += len(verdicts)
        self.flagged.update(v["label"] for v in verdicts if v["flagged"])

    def lines(self) -> list[str]:
        rate = f" ({self.rows / self.seconds:,.0f} rows/s)" if self.seconds > 0 else ""
        total = sum(self.flagged.values())
        labels = ", ".join(f"{label} {n:,}" for label, n in sorted(self.flagged.items()))
        out = [
            f"classified {self.rows:,} rows in {self.seconds:.1f} s{rate}; "
            f"flagged {total:,}" + (f" ({labels})" if labels else "")
        ]
        if self.stored is not None:
            s = self.stored
            out.append(
                f"stored: {s['new']:,} new, {s['changed']:,} changed, {s['unchanged']:,} "
                f"unchanged listings; {s['reviews']:,} review cases opened"
            )
        if self.bad.count:
            out.append(f"skipped {self.bad.count:,} bad rows:")
            out += [f"  {where}" for where in self.bad.where]
            if self.bad.count > len(self.bad.where):
                out.append("  …")
        return out


def screen(
    batches: Iterable[Batch],
    writer,
    sink: CatalogueStore | None,
    progress: Progress,
    summary: Summary,
    *,
    model_dir: str | None,
    jobs: int,
    batch_size: int,
) -> None:
    """Classify every batch, write (and store) its verdicts in order, fill ``summary``.

    On any failure the partial output is removed and a store's run is closed as
    failed (interrupted on Ctrl-C) before the exception goes on.
    """
    started = time.perf_counter()
    try:
        # closing(): on an error here the workers are stopped now, not when collected.
        results = verdicts_in_order(batches, model_dir, jobs, batch_size)
        with closing(results):
            for batch, verdicts in results:
                writer.write(batch.ids, verdicts)
                if sink is not None:
                    sink.write(batch, verdicts)
                summary.add(verdicts)
                progress.update(len(verdicts), batch.position)
    except BaseException as exc:
        writer.abandon()
        if sink is not None:
            status = "interrupted" if isinstance(exc, KeyboardInterrupt) else "failed"
            try:
                sink.finish(status, summary.bad.count)
            except Exception as store_exc:  # noqa: BLE001 -- the first error is the one to report
                logger.warning("could not close the store's run as %s: %s", status, store_exc)
        raise
    finally:
        progress.close()
    writer.finish()
    if sink is not None:
        summary.stored = sink.finish("finished", summary.bad.count)
    summary.seconds = time.perf_counter() - started


def verdicts_in_order(
    batches: Iterable[Batch], model_dir: str | None, jobs: int, batch_size: int
) -> Iterator[tuple[Batch, list[dict]]]:
    """Each batch with its verdicts (as dicts), in input order: in this process
    (``jobs`` 1), or on ``jobs`` worker processes that each load the model (a worker is
    replaced after WORKER_ROWS rows). This process then never loads the model, nor
    spaCy: a worker that cannot load it raises ModelError with its first batch."""
    if jobs <= 1:
        from maskscreen.classifier.longrun import prepare_for_batches
        from maskscreen.classifier.model import load_model

        model = load_model(model_dir)
        prepare_for_batches(model)
        for batch in batches:
            yield batch, _verdict_dicts(model, batch.items)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["maskscreen.classifier.model"])
    pending: deque = deque()
    with ProcessPoolExecutor(
        jobs,
        mp_context=context,
        initializer=_start_worker,
        initargs=(model_dir,),
        max_tasks_per_child=max(1, WORKER_ROWS // batch_size),
    ) as pool:
        try:
            for batch in batches:
                pending.append((batch, pool.submit(_classify_in_worker, batch.items)))
                if len(pending) >= jobs * IN_FLIGHT_PER_WORKER:
                    done, future = pending.popleft()
                    yield done, future.result()
            while pending:
                done, future = pending.popleft()
                yield done, future.result()
        finally:
            for _, future in pending:
                future.cancel()


def _verdict_dicts(model, items: list[dict]) -> list[dict]:
    """Verdict.to_dict() without its deep copy (dataclasses.asdict: a third of the time
    of a batch, measured); the dicts and lists inside are the verdict's own."""
    return [{name: getattr(v, name) for name in _VERDICT_FIELDS} for v in model.predict(items)]


_worker_model = None
_worker_error: Exception | None = None


def _start_worker(model_dir: str | None) -> None:
    """A worker process: load the model once. A model that does not load is kept as
    the error of every batch (an initializer's own error would only break the pool)."""
    global _worker_model, _worker_error
    from maskscreen.classifier.longrun import prepare_for_batches
    from maskscreen.classifier.model import ModelError, load_model

    try:
        _worker_model = load_model(model_dir)
    except ModelError as exc:
        _worker_error = exc
    else:
        prepare_for_batches(_worker_model)


def _classify_in_worker(items: list[dict]) -> list[dict]:
    if _worker_model is None:
        raise _worker_error or RuntimeError("the worker has no model")
    return _verdict_dicts(_worker_model, items)


class Progress:
    """A progress bar with rate and ETA on a terminal (tqdm), nothing otherwise.

    ``size`` is in the unit of the batches' positions: rows for Parquet, where the
    total is known; bytes for text, from which the total rows are estimated as
    the file is read. None (a pipe): a count and a rate, no ETA.
    """

    def __init__(self, size: int | None, rows_known: bool, enabled: bool):
        self._bar = None
        self._size, self._rows_known = size, rows_known
        if enabled:
            from tqdm import tqdm

            total = size if rows_known else None
            self._bar = tqdm(total=total, unit=" rows", unit_scale=True, file=sys.stderr,
                             dynamic_ncols=True, leave=False)  # fmt: skip

    def update(self, rows: int, position: int) -> None:
        if self._bar is None:
            return
        if not self._rows_known and self._size and position:
            self._bar.total = max(int((self._bar.n + rows) * self._size / position), 1)
        self._bar.update(rows)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


class CatalogueStore:
    """--store: the rows as listings of a catalogue source, a transaction per batch,
    the whole run recorded as a run of that source (`maskscreen runs`)."""

    def __init__(self, database_url: str | None, source: str, command: str):
        from maskscreen.db import open_database, store

        self.source = source
        self.engine = open_database(database_url)
        self.counts: Counter = Counter()
        with self._transaction() as session:
            self.site_id = store.get_or_create_site(session, source)
            self.run_id = store.start_crawl_run(
                session, self.site_id, command=command, trigger="manual"
            )

    def _transaction(self):
        from contextlib import contextmanager

        from sqlalchemy.exc import SQLAlchemyError
        from sqlalchemy.orm import Session

        from maskscreen.db import StoreError

        @contextmanager
        def transaction():
            try:
                with Session(self.engine) as session, session.begin():
                    yield session
            except SQLAlchemyError as exc:
                message = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
                raise StoreError(f"cannot store the catalogue rows: {message}") from exc

        return transaction()

    def write(self, batch: Batch, verdicts: list[dict]) -> None:
        from maskscreen.db import catalogue

        with self._transaction() as session:
            self.counts.update(
                catalogue.store_catalogue_rows(
                    session, self.site_id, self.source, batch.ids, batch.items, verdicts
                )
            )

    def finish(self, status: str, bad_rows: int) -> Counter:
        """Close the run with its counts (listings new, changed, unchanged; flagged: new
        flagged verdicts), and the engine."""
        from maskscreen.db import store

        c = self.counts
        counts = {"listings": c["new"] + c["changed"] + c["unchanged"], "new": c["new"],
                  "changed": c["changed"], "unchanged": c["unchanged"], "flagged": c["flagged"]}  # fmt: skip
        try:
            with self._transaction() as session:
                store.finish_crawl_run(
                    session, self.run_id, status=status, counts=counts,
                    dropped={"bad_row": bad_rows} if bad_rows else {},
                )  # fmt: skip
        finally:
            self.engine.dispose()
        for key in ("new", "changed", "unchanged", "reviews"):
            c.setdefault(key, 0)
        return c
