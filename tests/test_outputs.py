"""-o/--output: atomic for regular files and new paths, written through for devices, FIFOs and
links to them; write errors as one line; what killed runs left removed by the next (issue 24, class 1)."""

from __future__ import annotations

import errno
import io
import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from conftest import SEEDS
from srccompare.report import output
from srccompare.report.output import OutputError, remove_stale_temporaries, write_report_file
from srccompare.process.leftovers import process_alive
from srccompare.reuse.spill import SpillDirectory


def run(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "srccompare", *args], capture_output=True, text=True, timeout=300,
                          cwd=cwd, env={**os.environ, **(env or {})})


def dead_pid() -> int:
    return next(pid for pid in range(4_000_000, 3_000_000, -1) if not process_alive(pid))


def device_copy(folder: Path, minor: int) -> Path:
    """A character device like /dev/null (minor 3) or /dev/full (minor 7), in ``folder``."""
    path = folder / f"dev{minor}"
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, minor))
    except PermissionError:
        pytest.skip("making a device node needs root")
    return path


def test_a_regular_file_is_replaced_atomically_with_nothing_left_beside_it(tmp_path):
    target = tmp_path / "report.json"
    target.write_text("old")
    write_report_file(target, "new")
    assert target.read_text() == "new" and [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_a_device_is_written_through_and_stays_a_device(tmp_path):
    null = device_copy(tmp_path, 3)
    write_report_file(null, "report")
    assert stat.S_ISCHR(os.lstat(null).st_mode)


def test_a_full_device_is_one_error_and_stays_a_device(tmp_path):
    full = device_copy(tmp_path, 7)
    with pytest.raises(OutputError, match="No space left on device"):
        write_report_file(full, "report " * 10_000)
    assert stat.S_ISCHR(os.lstat(full).st_mode)


def test_a_fifo_is_written_through_and_its_reader_gets_the_report(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[str] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_text()))
    reader.start()
    write_report_file(fifo, "the report")
    reader.join(10)
    assert got == ["the report"] and stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_link_stays_a_link_and_its_target_is_replaced(tmp_path):
    target = tmp_path / "target.json"
    target.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    write_report_file(link, "new")
    assert link.is_symlink() and target.read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.json", "target.json"]


def test_a_dangling_link_creates_its_target(tmp_path):
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "later.json")
    write_report_file(link, "new")
    assert link.is_symlink() and (tmp_path / "later.json").read_text() == "new"


def test_a_directory_is_refused(tmp_path):
    with pytest.raises(OutputError, match="is a directory"):
        write_report_file(tmp_path, "x")


class FullDisk(io.StringIO):
    """A stream that fails as a full disk does, once some of the text is written."""

    def write(self, text: str) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_a_full_disk_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "report.json"
    target.write_text("old")
    real_fdopen = os.fdopen

    def failing_fdopen(handle: int, *args, **kwargs):
        real_fdopen(handle).close()
        return FullDisk()

    monkeypatch.setattr(output.os, "fdopen", failing_fdopen)
    with pytest.raises(OutputError, match="No space left on device"):
        write_report_file(target, "new")
    assert target.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_a_dead_runs_temporaries_are_removed_and_no_others(tmp_path):
    stale = tmp_path / f".report.json.{dead_pid()}.x1y2z3ab.tmp"
    living = tmp_path / f".report.json.{os.getpid()}.abcdefgh.tmp"
    unrelated = [tmp_path / ".report.json.notes.tmp", tmp_path / f".other.json.{dead_pid()}.abcdefgh.tmp"]
    for path in (stale, living, *unrelated):
        path.write_text("x")
    assert remove_stale_temporaries(tmp_path, "report.json") == [str(stale)]
    assert not stale.exists() and living.exists() and all(path.exists() for path in unrelated)


def test_the_next_write_removes_a_dead_runs_temporary(tmp_path):
    stale = tmp_path / f".report.json.{dead_pid()}.x1y2z3ab.tmp"
    stale.write_text("half a report")
    write_report_file(tmp_path / "report.json", "whole")
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_a_new_spill_directory_removes_a_dead_runs_and_no_live_ones(tmp_path, monkeypatch):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    stale = tmp_path / f"srccompare-spill-{dead_pid()}-abc"
    living = tmp_path / f"srccompare-spill-{os.getpid()}-def"
    for folder in (stale, living):
        folder.mkdir()
        (folder / "a.keys").write_bytes(b"\0" * 100)
    with SpillDirectory() as spill:
        assert Path(spill.path).name.startswith(f"srccompare-spill-{os.getpid()}-")
    assert not stale.exists() and living.exists()


def test_diff_takes_dash_o_and_a_fifo(tmp_path):
    seeds = sorted(SEEDS.glob("*.txt"))
    done = run("diff", "-o", "d.json", str(seeds[0]), str(seeds[1]), cwd=tmp_path)
    assert done.returncode == 0 and (tmp_path / "d.json").read_text().startswith("{")


def test_reuse_to_dev_full_is_one_line_and_exit_4(tmp_path):
    full = device_copy(tmp_path, 7)
    done = run("reuse", "--format", "json", "-o", str(full), str(SEEDS))
    assert done.returncode == 4
    assert done.stderr == f"srccompare: {full}: cannot write (No space left on device)\n"
    assert stat.S_ISCHR(os.lstat(full).st_mode)


@pytest.mark.parametrize("args, message", [
    (("diff", "--bogus", "a", "b"), "srccompare: No such option '--bogus' (see 'srccompare diff --help')\n"),
    (("reuse", "-o", "no/such/folder/r.json", str(SEEDS)), "srccompare: no/such/folder: cannot write there (No such file or directory)\n"),
])
def test_every_error_line_has_the_one_prefix(args, message, tmp_path):
    done = run(*args, cwd=tmp_path)
    assert done.returncode in (2, 4) and done.stderr == message


@pytest.mark.parametrize("into_file", [False, True])
def test_stdout_by_its_name_is_written_through(tmp_path, into_file):
    """-o /proc/self/fd/1 (what /dev/stdout links to; named so that a regression cannot replace the
    machine's /dev/stdout) into a pipe, and into a file the shell opened."""
    seed = str(sorted(SEEDS.glob("*.txt"))[0])
    command = [sys.executable, "-m", "srccompare", "clean", "--format", "json", "-o", "/proc/self/fd/1", seed]
    if into_file:
        with open(tmp_path / "out.json", "w") as stream:
            done = subprocess.run(command, stdout=stream, stderr=subprocess.PIPE, text=True, timeout=120)
        written = (tmp_path / "out.json").read_text()
    else:
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        written = done.stdout
    assert done.returncode == 0, done.stderr
    assert json.loads(written)[0]["id"] == Path(seed).stem


def test_a_run_killed_while_writing_leaves_a_temporary_the_next_write_removes(tmp_path):
    target = tmp_path / "report.json"
    target.write_text("old")
    # The writer killed with SIGKILL just before its rename: its temporary file stays behind.
    killed = ("import os, signal, sys; from pathlib import Path; from srccompare.report import output; "
              "output.os.replace = lambda a, b: os.kill(os.getpid(), signal.SIGKILL); "
              "output.write_report_file(Path(sys.argv[1]), 'new ' * 100000)")
    done = subprocess.run([sys.executable, "-c", killed, str(target)], capture_output=True, timeout=60)
    assert done.returncode == -9
    left = [p.name for p in tmp_path.iterdir() if p.name != "report.json"]
    assert len(left) == 1 and left[0].startswith(".report.json.") and target.read_text() == "old"
    write_report_file(target, "newer")
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"] and target.read_text() == "newer"
