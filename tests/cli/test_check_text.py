import json

from click.testing import CliRunner

from maskscreen.cli.main import cli


def run(*args, **kwargs):
    return CliRunner().invoke(cli, list(args), **kwargs)


def test_check_text_flags_custom_face_copy_with_exit_1():
    result = run("check", "--text", "按照片定制 真人面具 1:1还原 可过人脸识别 加V信详谈")
    assert result.exit_code == 1, result.output
    assert result.output.startswith("FLAGGED")
    assert "made to order" in result.output


def test_check_text_benign_exits_0():
    result = run("check", "--text", "Hydrating hyaluronic sheet mask, 10 sheets, for dry skin")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("benign")


def test_check_text_json():
    result = run(
        "check", "--json", "--text", "realistic silicone male mask full head, nobody can tell"
    )
    record = json.loads(result.output)
    assert {"label", "score", "scores", "flagged", "signals", "reasons", "model_version"} <= set(
        record
    )
    assert record["signals"]["evasion_claim"] is True


def test_check_needs_url_or_text():
    result = run("check")
    assert result.exit_code == 2
    assert "give a URL or --text" in result.output


def test_check_rejects_a_non_http_url():
    result = run("check", "ftp://example.com/x")
    assert result.exit_code == 2
    assert "not an http(s) URL" in result.output


def test_check_with_missing_model_is_one_line(tmp_path):
    result = run("check", "--model", str(tmp_path / "none"), "--text", "mask")
    assert result.exit_code == 2
    assert result.output.count("\n") == 1
    assert "no model in" in result.output


def test_check_text_starts_without_crawler_database_or_plotting_code():
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from cli.main import main\n"
        "sys.argv = ['maskscreen', 'check', '--text', 'realistic silicone old man mask']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = ('scrapy', 'twisted', 'sqlalchemy', 'matplotlib', 'crawler', 'db')\n"
        "print('loaded:', [name for name in heavy if name in sys.modules])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=300
    )
    assert "loaded: []" in result.stdout, result.stdout + result.stderr
