"""A damaged, foreign or unwritable index file, a full disk, a device for --db: every subcommand
refuses with one line (never exit 70), nothing is written into a damaged index, and no file is
left by an index that could not be made or got nothing. Real processes, real SQLite files."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import pytest

from conftest import SEEDS, SEED_NAMES
from test_cli_index import QUERY, run

ANOTHER = str(SEEDS / SEED_NAMES["mt"])


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("good") / "index.sqlite"
    done = run("index", "add", "--db", str(db), *[str(SEEDS / n) for k, n in SEED_NAMES.items() if k != "mt"])
    assert done.returncode == 0, done.stderr
    return db


def damaged(good: Path, folder: Path, how: str) -> Path:
    db = folder / f"{how}.sqlite"
    shutil.copyfile(good, db)
    if how == "pages":  # a run of pages overwritten in the middle of the file
        data = bytearray(db.read_bytes())
        page = 4096
        data[3 * page : 6 * page] = b"\x5a" * (3 * page)
        db.write_bytes(bytes(data))
        return db
    connection = sqlite3.connect(db)  # closed, so that the change is in the file, not in a WAL beside it
    with connection:
        if how == "table":
            connection.execute("DROP TABLE shingles")
        elif how == "meta":
            connection.execute("UPDATE meta SET value = '{not json' WHERE key = 'parameters'")
    connection.close()
    return db


SUBCOMMANDS = {
    "stats": lambda db: ["index", "stats", "--db", str(db)],
    "query": lambda db: ["index", "query", str(QUERY), "--db", str(db)],
    "add": lambda db: ["index", "add", ANOTHER, "--db", str(db)],
    "reuse": lambda db: ["reuse", "--db", str(db), "--workers", "1", "--format", "json"],
}


def one_line_refusal(done: subprocess.CompletedProcess[str], status: int = 2) -> None:
    assert done.returncode == status, done.stderr
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr


@pytest.mark.parametrize("how, said", [("pages", "damaged"), ("table", "no table shingles"), ("meta", "parameters record")])
@pytest.mark.parametrize("command", sorted(SUBCOMMANDS))
def test_a_damaged_index_is_refused_by_every_subcommand_and_left_as_it_was(good, tmp_path, how, said, command):
    db = damaged(good, tmp_path, how)
    before = db.read_bytes()
    done = run(*SUBCOMMANDS[command](db))
    one_line_refusal(done)
    assert said in done.stderr and str(db) in done.stderr
    assert db.read_bytes() == before  # add wrote nothing into it
    assert sorted(p.name for p in tmp_path.iterdir()) == [db.name]


@pytest.mark.parametrize("command", sorted(SUBCOMMANDS))
def test_a_device_for_db_is_refused_and_left_a_device(command):
    done = run(*SUBCOMMANDS[command]("/dev/zero"))
    one_line_refusal(done)
    assert "not a regular file" in done.stderr
    assert stat.S_ISCHR(os.stat("/dev/zero").st_mode)


def test_an_add_with_nothing_readable_creates_nothing(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    for inputs in ([str(empty)], [str(tmp_path / "absent.txt")]):
        done = run("index", "add", "--db", str(tmp_path / "new.sqlite"), *inputs)
        assert done.returncode == 3, done.stderr
        assert "Traceback" not in done.stderr
        assert sorted(p.name for p in tmp_path.iterdir()) == ["empty"]


def tiny_filesystem(folder: Path) -> bool:
    """A 16 KB tmpfs on ``folder`` (root only); False where mounting is not allowed."""
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    folder.mkdir()
    return subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", str(folder)], capture_output=True).returncode == 0


def test_a_new_index_on_a_full_disk_leaves_no_stub(tmp_path):
    where = tmp_path / f"tiny-{uuid.uuid4().hex[:6]}"
    if tiny_filesystem(where):
        try:
            done = run("index", "add", "--db", str(where / "new.sqlite"), str(SEEDS))
            left = sorted(p.name for p in where.iterdir())
        finally:
            subprocess.run(["umount", str(where)], check=False)
    else:  # the writes fail as on a full disk: a file size limit, its signal ignored (EFBIG)
        where.mkdir()
        command = [sys.executable, "-c", "import resource, signal; signal.signal(signal.SIGXFSZ, signal.SIG_IGN); "
                   "resource.setrlimit(resource.RLIMIT_FSIZE, (16384, 16384)); from srccompare.process.start import console; console()",
                   "index", "add", "--db", str(where / "new.sqlite"), str(SEEDS)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        left = sorted(p.name for p in where.iterdir())
    assert done.returncode not in (0, 70), done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr and "new.sqlite" in done.stderr, done.stderr
    assert left == []


def test_reading_an_index_writes_nothing_beside_it(good, tmp_path):
    db = tmp_path / "index.sqlite"
    shutil.copyfile(good, db)
    before = db.read_bytes()
    assert run("index", "stats", "--db", str(db)).returncode == 0
    assert run("index", "query", str(QUERY), "--db", str(db)).returncode == 0
    assert db.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [db.name]


def test_an_index_of_another_user_that_may_not_be_written_is_read(good):
    from srccompare.index import open_index
    from srccompare.settings import load_settings

    # (not under pytest's temporary folders, which only their owner may enter)
    folder = Path(tempfile.mkdtemp(prefix="srccompare-theirs-"))
    db = folder / "index.sqlite"
    shutil.copyfile(good, db)
    db.chmod(0o444)
    folder.chmod(0o555)
    settings = load_settings()
    child = os.fork()
    if child == 0:  # as another user when run as root (root may write anywhere); else as this one
        status = 1
        try:
            if os.geteuid() == 0:
                os.setgid(65534)
                os.setuid(65534)
            with open_index(db, settings, read_only=True) as store:
                status = 0 if store.count() == 4 else 2
        except BaseException as error:
            print(f"{type(error).__name__}: {error}", file=sys.stderr)
            status = 3
        finally:
            os._exit(status)
    _, status = os.waitpid(child, 0)
    folder.chmod(0o755)
    left = sorted(p.name for p in folder.iterdir())
    shutil.rmtree(folder)
    assert os.waitstatus_to_exitcode(status) == 0
    assert left == ["index.sqlite"]
