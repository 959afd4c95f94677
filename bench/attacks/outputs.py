"""Class 1: what ``-o/--output`` may replace, what a write error says, what killed runs leave."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

from attacks import SEEDS, Failed, Lab, case, dead_pid, expect, one_line_error

KLASS = "1 outputs"


def device(lab: Lab, name: str, minor: int) -> Path | None:
    """A character device of our own: a copy of /dev/null (minor 3) or /dev/full (minor 7)."""
    path = lab.folder / name
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, minor))
    except (PermissionError, OSError):
        return None
    return path


def kept(lab: Lab, path: Path, is_kind, what: str) -> None:
    """``path`` is still the kind of node it was (``is_kind`` of its lstat mode); else, gone or
    replaced, a node destroyed."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        mode = 0
    if not is_kind(mode):
        lab.destroyed += 1
        raise Failed(what)


def still_a_device(lab: Lab, path: Path) -> None:
    kept(lab, path, stat.S_ISCHR, f"{path.name} is no longer a character device")


def seeds_report(lab: Lab, *options: str) -> object:
    return lab.run("reuse", "--format", "json", *options, str(SEEDS))


@case(KLASS, "reuse -o a copy of /dev/full: one line, non-zero exit, still a device")
def full_device(lab: Lab) -> None:
    full = device(lab, "full", 7)
    if full is None:  # (never the machine's own /dev/full: code under test may replace it)
        raise Failed("cannot make a device node here (not root?)")
    ran = seeds_report(lab, "-o", str(full))
    one_line_error(ran, 4)
    expect("No space left on device" in ran.err_text, ran.err_text)
    still_a_device(lab, full)


@case(KLASS, "reuse -o a copy of /dev/null: written through, still a device")
def null_device(lab: Lab) -> None:
    null = device(lab, "null", 3)
    if null is None:
        raise Failed("cannot make a device node here (not root?)")
    ran = seeds_report(lab, "-o", str(null))
    expect(ran.status == 0, ran.err_text)
    still_a_device(lab, null)


def fifo_read(path: Path, into: list[bytes]) -> threading.Thread:
    def read() -> None:
        with open(path, "rb") as stream:
            into.append(stream.read())
    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread


def into_fifo(lab: Lab, run_into) -> None:
    """``run_into(path)`` writes JSON to a FIFO at ``path``: a reader gets it and the FIFO stays."""
    path = lab.folder / "pipe"
    os.mkfifo(path)
    got: list[bytes] = []
    reader = fifo_read(path, got)
    ran = run_into(path)
    reader.join(30)
    expect(ran.status == 0, ran.err_text)
    kept(lab, path, stat.S_ISFIFO, "the FIFO was replaced")
    expect(bool(got) and got[0].startswith(b"{"), f"the reader got {got[:1]!r}")


@case(KLASS, "reuse -o a FIFO: the reader gets the report, the FIFO stays")
def fifo_reuse(lab: Lab) -> None:
    into_fifo(lab, lambda path: seeds_report(lab, "-o", str(path)))


@case(KLASS, "diff --output a FIFO: the reader gets the diff, the FIFO stays")
def fifo_diff(lab: Lab) -> None:
    seeds = sorted(SEEDS.glob("*.txt"))
    into_fifo(lab, lambda path: lab.run("diff", "--format", "json", "--output", str(path), str(seeds[0]), str(seeds[1])))


@case(KLASS, "reuse -o a link to a file: the link stays, its target gets the report")
def link_to_file(lab: Lab) -> None:
    target = lab.write("target.json", "old")
    link = lab.folder / "link.json"
    link.symlink_to(target)
    ran = seeds_report(lab, "-o", str(link))
    expect(ran.status == 0, ran.err_text)
    kept(lab, link, stat.S_ISLNK, "the link was replaced by a file")
    expect(target.read_text().startswith("{"), "the target was not written")


@case(KLASS, "reuse -o a link to a device: the link and the device stay")
def link_to_device(lab: Lab) -> None:
    null = device(lab, "null", 3)
    if null is None:
        raise Failed("cannot make a device node here (not root?)")
    link = lab.folder / "out.json"
    link.symlink_to(null)
    ran = seeds_report(lab, "-o", str(link))
    expect(ran.status == 0, ran.err_text)
    kept(lab, link, stat.S_ISLNK, "the link was replaced by a file")
    still_a_device(lab, null)


@case(KLASS, "reuse -o /dev/stdout into a pipe: the report arrives on stdout, the link stays")
def dev_stdout(lab: Lab) -> None:
    # A link of the lab's own made as /dev/stdout is (-> /proc/self/fd/1): code that replaced links
    # replaced the machine's /dev/stdout when this case ran as root on the real one.
    stdout = lab.folder / "stdout"
    stdout.symlink_to("/proc/self/fd/1")
    ran = seeds_report(lab, "-o", str(stdout))
    expect(ran.status == 0, ran.err_text)
    kept(lab, stdout, stat.S_ISLNK, "the link to stdout was replaced by a file")
    expect(ran.out.startswith(b"{"), f"stdout: {ran.out[:80]!r}")


@case(KLASS, "-o on every command that writes a report (diff -o, clean -o, index query -o)")
def short_output_option(lab: Lab) -> None:
    seeds = sorted(SEEDS.glob("*.txt"))
    for args in (("diff", "--format", "json", "-o", "d.json", str(seeds[0]), str(seeds[1])),
                 ("clean", "--format", "json", "-o", "c.json", str(seeds[0]))):
        ran = lab.run(*args)
        expect(ran.status == 0, f"{args[0]} -o: {ran.err_text}")
        expect((lab.folder / args[4]).read_text()[:1] in "{[", f"{args[0]} -o wrote nothing")


@case(KLASS, "a regular file is still replaced atomically, and nothing is left beside it")
def regular_file(lab: Lab) -> None:
    lab.write("report.json", "old")
    ran = seeds_report(lab, "-o", "report.json")
    expect(ran.status == 0, ran.err_text)
    expect(sorted(p.name for p in lab.folder.iterdir()) == ["report.json"], str(list(lab.folder.iterdir())))


@case(KLASS, "a killed run's temporary report is removed by the next, a live one's is not")
def stale_temporaries(lab: Lab) -> None:
    dead, alive = dead_pid(), os.getpid()
    stale = lab.write(f".report.json.{dead}.k2j4h6g8.tmp", "half a report")
    living = lab.write(f".report.json.{alive}.a1b2c3d4.tmp", "being written")
    other = lab.write(".report.json.notes.tmp", "not ours")
    ran = seeds_report(lab, "-o", "report.json")
    expect(ran.status == 0, ran.err_text)
    expect(not stale.exists(), "the dead run's temporary file is still there")
    expect(living.exists() and other.exists(), "a file that was not a dead run's was removed")


@case(KLASS, "a killed run's spill directory is removed by the next reuse, a live one's is not")
def stale_spill(lab: Lab) -> None:
    temporary = lab.folder / "tmp"
    temporary.mkdir()
    dead, alive = dead_pid(), os.getpid()
    stale = temporary / f"srccompare-spill-{dead}-abc123"
    living = temporary / f"srccompare-spill-{alive}-def456"
    for folder in (stale, living):
        folder.mkdir()
        (folder / "part.keys").write_bytes(b"\0" * 4096)
    ran = lab.run("reuse", "--format", "json", "--workers", "2", str(SEEDS), env={"TMPDIR": str(temporary)})
    expect(ran.status == 0, ran.err_text)
    expect(not stale.exists(), "the dead run's spill directory is still there")
    expect(living.exists(), "a live run's spill directory was removed")


@case(KLASS, "one 'srccompare: ' prefix: an unwritable output, a usage error, a bad option value")
def one_prefix(lab: Lab) -> None:
    seeds = sorted(SEEDS.glob("*.txt"))
    one_line_error(lab.run("reuse", "-o", "no/such/folder/r.json", str(SEEDS)), 4)
    one_line_error(lab.run("diff", "--bogus", str(seeds[0]), str(seeds[1])), 2)
    one_line_error(lab.run("reuse", "--format", "nope", str(SEEDS)), 2)
    one_line_error(lab.run("diff", "-o", str(lab.folder), str(seeds[0]), str(seeds[1])), 2, 4)
