import json

from click.testing import CliRunner

from maskscreen.cli.main import cli

LISTINGS = [
    {
        "id": "a1",
        "title": "Custom silicone mask made from your photos",
        "description": "send 3 photos, WhatsApp us",
    },
    {"id": "a2", "title": "Aloe soothing sheet mask", "description": "10 pcs"},
    {"id": 7, "title": "超逼真硅胶人皮面具 易容 变装", "description": ""},
]


def run(*args, **kwargs):
    return CliRunner().invoke(cli, list(args), **kwargs)


def test_classify_jsonl_keeps_ids_and_order(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text(
        "\n".join(json.dumps(x, ensure_ascii=False) for x in LISTINGS) + "\n", encoding="utf-8"
    )
    result = run("classify", str(path))
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a1", "a2", 7]
    assert out[0]["flagged"] and out[0]["signals"]["made_to_order"]
    assert not out[1]["flagged"]
    assert out[2]["flagged"]
    for record in out:
        assert {
            "label",
            "score",
            "scores",
            "flagged",
            "signals",
            "reasons",
            "model_version",
        } <= set(record)


def test_classify_csv_from_stdin():
    csv_text = "id,title,description\nx,Reborn baby doll silicone,soft body\ny,Realistic old man latex mask full head,disguise\n"
    result = run("classify", "-", "--format", "csv", input=csv_text)
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["x", "y"]


def test_classify_names_the_bad_line_and_writes_nothing(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text('{"title": "ok"}\n{"title": broken}\n', encoding="utf-8")
    result = run("classify", str(path))
    assert result.exit_code == 2
    assert "in.jsonl:2" in result.output
    assert '"label"' not in result.output


def test_classify_line_without_text(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text('{"id": 1, "title": "  "}\n', encoding="utf-8")
    result = run("classify", str(path))
    assert result.exit_code == 2
    assert "in.jsonl:1: no title or description" in result.output


def test_classify_missing_file():
    result = run("classify", "/nonexistent/listings.jsonl")
    assert result.exit_code == 2
    assert "cannot read /nonexistent/listings.jsonl" in result.output


def test_classify_csv_without_text_columns(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("id,name\n1,x\n", encoding="utf-8")
    result = run("classify", str(path))
    assert result.exit_code == 2
    assert "needs a title or description column" in result.output


def test_classify_names_a_line_that_is_not_utf8(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_bytes(b'{"title": "ok"}\n{"title": "\xff\xfe bad"}\n')
    result = run("classify", str(path))
    assert result.exit_code == 2
    assert "in.jsonl:2: not valid UTF-8" in result.output
    assert '"label"' not in result.output


def test_classify_odd_texts_get_verdicts(tmp_path):
    rows = [
        {"id": 1, "title": "🎭🎭🎭 !!!"},
        {"id": 2, "title": "x" * 1_000_000},
        {"id": 3, "title": "silicone 面具 маска mask"},
    ]
    path = tmp_path / "in.jsonl"
    path.write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8"
    )
    result = run("classify", str(path))
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == [1, 2, 3]


def test_classify_accepts_a_byte_order_mark(tmp_path):
    path = tmp_path / "in.csv"
    path.write_bytes("\ufeffid,title\n1,Sheet mask\n".encode())
    result = run("classify", str(path))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["id"] == "1"
