"""`srccompare clean` end to end, as a user runs it: real processes, real files."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import SEEDS


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "srccompare", *args], input=stdin, capture_output=True, text=True, timeout=120
    )


def test_text_output_is_the_body_alone():
    result = run("clean", str(SEEDS / "000_a89f6ea31e7902d2.txt"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("European leaders are expected to announce sanctions")
    assert "Let our news meet your inbox" not in result.stdout
    assert "\n\n" in result.stdout and result.stderr == ""


def test_json_lines_has_a_record_per_input_with_metadata_and_removals():
    result = run("clean", "--format", "jsonl", str(SEEDS))
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 5
    by_id = {r["id"]: r for r in records}
    mt_afp = by_id["003_e9706742b5579535"]
    assert mt_afp["metadata"]["credits"][0]["agency"] == "AFP"
    assert {r["rule"] for r in mt_afp["removals"]} >= {"read-more", "title", "byline-for-agency"}
    assert mt_afp["text"] == "\n\n".join(mt_afp["paragraphs"])


def test_stdin_input():
    result = run("clean", "-", stdin="First paragraph of a story.\n\nREAD MORE: Another story\n\nSecond paragraph.\n")
    assert result.returncode == 0
    assert result.stdout == "First paragraph of a story.\n\nSecond paragraph.\n"


def test_good_inputs_are_cleaned_and_failures_summed_up(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    result = run("clean", str(tmp_path / "missing.txt"), str(empty), str(binary), str(SEEDS / "002_f1fbc4a1f97f33cb.txt"))
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines == [
        f"srccompare: {tmp_path / 'missing.txt'}: no such file or directory",
        f"srccompare: {empty}: empty file",
        f"srccompare: {binary}: is a PNG file, not an article (HTML, Markdown, text or JSON Lines)",
        "srccompare: 3 of 4 inputs failed",
    ]
    assert result.stdout.startswith("At the same time, Europe is afraid")
    assert "Traceback" not in result.stderr


def test_json_is_an_array_whatever_the_number_of_inputs():
    one = json.loads(run("clean", "--format", "json", str(SEEDS / "004_afed851dedc7de4e.txt")).stdout)
    two = json.loads(run("clean", "--format", "json", str(SEEDS / "004_afed851dedc7de4e.txt"),
                         str(SEEDS / "000_a89f6ea31e7902d2.txt")).stdout)
    assert isinstance(one, list) and isinstance(two, list) and len(one) == 1 and len(two) == 2
    assert one[0]["metadata"]["outlet"] == "The Moscow Times" and set(one[0]) == set(two[1])


def test_all_inputs_failing_exits_3_and_writes_nothing(tmp_path):
    result = run("clean", str(tmp_path / "missing.html"))
    assert result.returncode == 3 and result.stdout == ""


def test_html_page_with_no_article(tmp_path):
    page = tmp_path / "empty.html"
    page.write_text("<html><head><title>t</title></head><body><script>x()</script></body></html>")
    result = run("clean", str(page))
    assert result.returncode == 3
    assert result.stderr.splitlines()[0] == f"srccompare: {page}: no article text found in the page"


def test_output_dir_gets_one_file_per_input(tmp_path):
    out = tmp_path / "out"
    result = run("clean", "--output-dir", str(out), "--format", "json", str(SEEDS))
    assert result.returncode == 0 and result.stdout == ""
    names = sorted(p.name for p in out.iterdir())
    assert len(names) == 5 and all(n.endswith(".json") for n in names)
    [record] = json.loads((out / "004_afed851dedc7de4e.json").read_text())
    assert record["metadata"]["outlet"] == "The Moscow Times"


def test_unwritable_output_dir_is_one_line(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run("clean", "--output-dir", str(blocker / "sub"), str(SEEDS / "002_f1fbc4a1f97f33cb.txt"))
    assert result.returncode != 0
    assert len(result.stderr.splitlines()) == 1 and str(blocker / "sub") in result.stderr


def test_explain_shows_markup_and_escapes_as_inert_text(tmp_path):
    article = tmp_path / "hostile.txt"
    article.write_text("The minister said [bold red]nothing[/bold red] today.\n\nA second \x1b[31mred\x1b[0m line \x1b]0;title\x07.\n")
    result = run("clean", "--explain", str(article))
    assert result.returncode == 0
    assert "[bold red]nothing[/bold red]" in result.stdout
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout


def test_bad_settings_file_is_one_line(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text("[clean]\nno_such_setting = 3\n")
    result = run("--config", str(config), "clean", str(SEEDS))
    assert result.returncode == 2
    assert result.stderr.strip() == f"srccompare: {config}: unknown setting clean.no_such_setting"


def test_output_files_get_the_ordinary_file_mode(tmp_path):
    import os

    out = tmp_path / "out"
    run("clean", "--output-dir", str(out), str(SEEDS / "002_f1fbc4a1f97f33cb.txt"))
    [written] = list(out.iterdir())
    umask = os.umask(0)
    os.umask(umask)
    assert written.stat().st_mode & 0o777 == 0o666 & ~umask
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]
