"""`maskscreen classify` over a catalogue: formats in and out, workers, bad rows, --store."""

from __future__ import annotations

import csv
import io
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, func, select

from maskscreen.cli.main import cli
from maskscreen.db.models import Base

TEXTS = [
    ("Custom silicone mask made from your photos", "send 3 photos, WhatsApp us"),
    ("Aloe soothing sheet mask", "10 pcs"),
    ("超逼真硅胶人皮面具 易容 变装", ""),
    ("Realistic old man latex mask full head", "pass as someone else"),
    ("Halloween zombie mask", "scary rubber"),
]


def make_rows(n: int, **overrides) -> list[dict]:
    rows = []
    for i in range(n):
        title, description = TEXTS[i % len(TEXTS)]
        row = {"id": i, "title": f"{title} #{i}", "description": description}
        row.update(overrides)
        rows.append(row)
    return rows


def write_jsonl(path, rows) -> str:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return str(path)


def write_parquet(path, rows, row_group_size: int = 1000) -> str:
    pq.write_table(pa.Table.from_pylist(rows), path, row_group_size=row_group_size)
    return str(path)


def run(*args, **kwargs):
    return CliRunner().invoke(cli, [str(a) for a in args], **kwargs)


def test_classify_parquet_to_parquet_keeps_ids_their_type_and_order(tmp_path):
    source = write_parquet(tmp_path / "in.parquet", make_rows(50), row_group_size=16)
    result = run("classify", source, "--out", tmp_path / "out.parquet", "--batch-size", 7)
    assert result.exit_code == 0, result.output
    table = pq.read_table(tmp_path / "out.parquet")
    assert table.schema.field("id").type == pa.int64()
    assert table.column("id").to_pylist() == list(range(50))
    first = table.slice(0, 1).to_pylist()[0]
    assert first["flagged"] and first["label"] == "custom_face_copy"
    assert first["signals"]["made_to_order"] and first["reasons"]
    assert set(first["scores"]) == {"realistic_face_mask", "custom_face_copy", "benign"}
    assert "classified 50 rows" in result.stderr and "flagged" in result.stderr


def test_classify_on_two_workers_gives_the_same_verdicts_in_the_same_order(tmp_path, monkeypatch):
    monkeypatch.setattr("maskscreen.cli.catalogue.WORKER_ROWS", 20)  # workers replaced too
    source = write_jsonl(tmp_path / "in.jsonl", make_rows(120))
    one = run("classify", source, "--batch-size", 9)
    two = run("classify", source, "--batch-size", 9, "--jobs", 2)
    assert one.exit_code == two.exit_code == 0, two.output
    assert two.stdout == one.stdout
    assert [json.loads(line)["id"] for line in two.stdout.splitlines()] == list(range(120))


def test_classify_csv_output_neutralises_formula_cells_unless_raw(tmp_path):
    rows = [
        {"id": cell, "title": "Aloe sheet mask"}
        for cell in ("=1+2", "+x", "-3", "@SUM(A1)", "\tx", "\rx", "ok")
    ]
    source = write_jsonl(tmp_path / "in.jsonl", rows)
    result = run("classify", source, "--out", tmp_path / "out.csv")
    assert result.exit_code == 0, result.output
    with open(tmp_path / "out.csv", newline="", encoding="utf-8") as f:
        ids = [row["id"] for row in csv.DictReader(f)]
    assert ids == ["'=1+2", "'+x", "'-3", "'@SUM(A1)", "'\tx", "'\rx", "ok"]
    result = run("classify", source, "--out", tmp_path / "raw.csv", "--raw")
    with open(tmp_path / "raw.csv", newline="", encoding="utf-8") as f:
        assert [row["id"] for row in csv.DictReader(f)] == [r["id"] for r in rows]


def test_classify_csv_columns_named_otherwise(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text(
        "sku,Name,Body\nA-1,Aloe sheet mask,10 pcs\n"
        "A-2,Realistic silicone full head mask copied from your photo,Passes face ID. WeChat\n",
        "utf-8",
    )
    result = run("classify", path, "--id-col", "sku", "--title-col", "name", "--text-col", "body")
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["A-1", "A-2"]
    assert not out[0]["flagged"] and out[1]["flagged"]


def test_classify_parquet_columns_named_otherwise_match_ignoring_case(tmp_path):
    rows = [{"SKU": 71, "Name": "Aloe sheet mask", "Body": "10 pcs"}]
    source = write_parquet(tmp_path / "in.parquet", rows)
    columns = ("--id-col", "sku", "--title-col", "name", "--text-col", "body")
    result = run("classify", source, *columns, "--out", tmp_path / "out.parquet")
    assert result.exit_code == 0, result.output
    assert pq.read_table(tmp_path / "out.parquet").column("id").to_pylist() == [71]


def test_classify_stdout_is_json_lines_only(tmp_path):
    source = write_jsonl(tmp_path / "in.jsonl", make_rows(2))
    result = run("classify", source, "--out-format", "parquet")
    assert result.exit_code == 2
    assert "stdout takes JSON lines only" in result.output


def test_classify_stops_at_a_bad_row_and_leaves_no_output_file(tmp_path):
    rows = make_rows(30)
    rows[17] = {"id": 17, "title": "", "description": " "}
    source = write_jsonl(tmp_path / "in.jsonl", rows)
    result = run("classify", source, "--out", tmp_path / "out.parquet", "--batch-size", 5)
    assert result.exit_code == 2
    assert result.stderr.strip() == f"maskscreen: error: {source}:18: no title or description"
    assert list(tmp_path.iterdir()) == [tmp_path / "in.jsonl"]


def test_classify_skip_bad_reports_each_bad_row_and_exits_5(tmp_path):
    lines = [json.dumps(r) for r in make_rows(6)]
    lines[1] = "{broken"
    lines[3] = '{"id": 3, "title": 42}'
    path = tmp_path / "in.jsonl"
    path.write_bytes(
        ("\n".join(lines[:5]) + "\n").encode() + b'{"title": "\xff"}\n' + lines[5].encode() + b"\n"
    )
    result = run("classify", path, "--skip-bad")
    assert result.exit_code == 5, result.output
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == [0, 2, 4, 5]
    assert "skipped 3 bad rows" in result.stderr
    for where in (
        f"{path}:2: not valid JSON",
        f"{path}:4: title must be text",
        f"{path}:6: not valid UTF-8",
    ):
        assert where in result.stderr


def test_classify_names_a_bad_parquet_row_by_row_group(tmp_path):
    rows = make_rows(40)
    rows[25] = {"id": 25, "title": None, "description": ""}
    source = write_parquet(tmp_path / "in.parquet", rows, row_group_size=10)
    result = run("classify", source)
    assert result.exit_code == 2
    assert f"{source}: row group 2, row 26: no title or description" in result.stderr
    result = run("classify", source, "--skip-bad")
    assert result.exit_code == 5
    assert len(result.stdout.splitlines()) == 39


def test_classify_skips_a_damaged_row_group_whole(tmp_path):
    rows = make_rows(20)
    table = pa.Table.from_pylist(rows)
    path = tmp_path / "in.parquet"
    pq.write_table(table, path, row_group_size=10, compression="snappy")
    meta = pq.ParquetFile(path).metadata
    column = meta.row_group(1).column(1)  # the second row group's titles
    data = bytearray(path.read_bytes())
    start = column.dictionary_page_offset if column.has_dictionary_page else column.data_page_offset
    data[start : start + column.total_compressed_size] = b"\xff" * column.total_compressed_size
    path.write_bytes(bytes(data))
    result = run("classify", path, "--skip-bad")
    assert result.exit_code == 5, result.output
    assert f"{path}: row group 1: cannot be read" in result.stderr
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == list(range(10))


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("in.parquet", b"PAR1 not really", "not a readable Parquet file"),
        ("in.csv", b"\x00\x01\x02\xff\xfe", "not valid UTF-8"),
        ("in.csv", b"id,title\n1," + b"x" * 200_000 + b"\n", "field larger than field limit"),
        ("in.jsonl", b"[1, 2]\n", "expected a JSON object"),
        ("in.jsonl", b'{"id": [1], "title": "mask"}\n', "id must be a string or an integer"),
        ("in.bin", b"\x89PNG\r\n\x1a\n\x00\x00", "not valid UTF-8"),
    ],
)
def test_classify_hostile_input_is_one_line_and_exit_2(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    result = run("classify", path)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.stderr.count("\n") == 1 and message in result.stderr


def test_classify_parquet_with_a_title_that_is_not_text(tmp_path):
    source = write_parquet(tmp_path / "in.parquet", [{"id": 1, "title": 5}])
    result = run("classify", source)
    assert result.exit_code == 2
    assert "column title is int64, not text" in result.stderr


def test_classify_refuses_parquet_on_stdin():
    result = run("classify", "-", "--format", "parquet", input=b"PAR1")
    assert result.exit_code == 2
    assert "Parquet cannot be read from stdin" in result.stderr


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path, pg_database_url):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite'}"
    return pg_database_url("catalogue")


def count(database: str, table: str, **where) -> int:
    engine = create_engine(database)
    t = Base.metadata.tables[table]
    query = select(func.count()).select_from(t)
    for column, value in where.items():
        query = query.where(t.c[column] == value)
    with engine.connect() as connection:
        n = connection.execute(query).scalar_one()
    engine.dispose()
    return n


def test_classify_store_is_idempotent_and_flags_enter_review(tmp_path, database_url):
    rows = make_rows(20)
    source = write_jsonl(tmp_path / "in.jsonl", rows)
    args = (
        "classify",
        source,
        "--store",
        "acme-catalogue",
        "--db",
        database_url,
        "--batch-size",
        6,
    )
    first = run(*args)
    assert first.exit_code == 0, first.output
    flagged = sum(json.loads(line)["flagged"] for line in first.stdout.splitlines())
    assert flagged > 0
    assert "stored: 20 new, 0 changed, 0 unchanged" in first.stderr
    assert count(database_url, "listings") == 20
    assert count(database_url, "reviews") == flagged
    assert count(database_url, "listings", url="catalogue:acme-catalogue/3", external_id="3") == 1

    again = run(*args)
    assert again.exit_code == 0, again.output
    assert "0 new, 0 changed, 20 unchanged" in again.stderr
    assert count(database_url, "listing_versions") == 20
    assert count(database_url, "classifications") == 20
    assert count(database_url, "reviews") == flagged

    rows[4]["description"] = "now with a new description"
    write_jsonl(tmp_path / "in.jsonl", rows)
    changed = run(*args)
    assert "0 new, 1 changed, 19 unchanged" in changed.stderr
    assert count(database_url, "listings") == 20
    assert count(database_url, "listing_versions") == 21
    assert count(database_url, "crawl_runs", status="finished") == 3


def test_classify_store_needs_an_id_per_row(tmp_path, database_url):
    source = write_jsonl(tmp_path / "in.jsonl", [{"title": "Aloe sheet mask"}])
    result = run("classify", source, "--store", "acme", "--db", database_url)
    assert result.exit_code == 2
    assert "in.jsonl:1: no id (--store keys each listing by it)" in result.stderr


def test_classify_reads_csv_from_a_pipe_in_batches():
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(["id", "title"])
    writer.writerows([i, f"Aloe sheet mask {i}"] for i in range(2500))
    result = run("classify", "-", input=text.getvalue())
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == 2500


@pytest.mark.parametrize("suffix", ["jsonl", "parquet"])
def test_input_is_read_a_batch_at_a_time(tmp_path, suffix):
    from maskscreen.cli.inputs import BadRows, Columns, Input

    rows = make_rows(5000)
    path = tmp_path / f"in.{suffix}"
    (write_parquet if suffix == "parquet" else write_jsonl)(path, rows)
    with Input(str(path), "auto", Columns(), BadRows()) as source:
        first = next(source.batches(100))
        assert first.ids == list(range(100))
        assert first.position < source.size / 10  # bytes (JSON lines) or rows (Parquet)


def test_classify_parquet_output_in_row_groups_not_one_per_batch(tmp_path, monkeypatch):
    monkeypatch.setattr("maskscreen.cli.verdict_files.ROW_GROUP_ROWS", 64)
    source = write_jsonl(tmp_path / "in.jsonl", make_rows(150))
    result = run("classify", source, "--out", tmp_path / "out.parquet", "--batch-size", 10)
    assert result.exit_code == 0, result.output
    written = pq.ParquetFile(tmp_path / "out.parquet")
    assert written.metadata.num_row_groups == 3  # 70, 70, 10
    assert written.read().column("id").to_pylist() == [str(i) for i in range(150)]


@pytest.mark.parametrize("jobs", [1, 2])
def test_classify_without_a_model_is_one_line_and_leaves_nothing(tmp_path, jobs):
    source = write_jsonl(tmp_path / "in.jsonl", make_rows(3))
    out = tmp_path / "out.csv"
    result = run("classify", source, "--out", out, "--jobs", jobs, "--model", tmp_path / "none")
    assert result.exit_code == 2, result.output
    assert (
        result.stderr.startswith("maskscreen: error: no model in")
        and "Traceback" not in result.stderr
    )
    assert not out.exists() and list(tmp_path.iterdir()) == [tmp_path / "in.jsonl"]
