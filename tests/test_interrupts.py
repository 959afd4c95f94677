"""Ctrl-C and SIGTERM, to the main process or its whole group, at several moments of a real
``reuse`` run with two workers: exit 130 or 143, one line, no traceback, no process, no
temporary file (spill directory, report's temporary file) left. bench/attack_interrupts.py
runs the same cases at many more moments."""

from __future__ import annotations

import signal
import sys

import pytest

from interrupting import corpus, run_and_signal

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


@pytest.fixture(scope="module")
def seeds_forty_times(tmp_path_factory):
    return corpus(tmp_path_factory.mktemp("corpus"), 40)


@pytest.fixture(scope="module")
def seeds_two_hundred_times(tmp_path_factory):
    # 1,000 articles: index add of 200 once finished inside the half second before the interrupt (quiet machine)
    return corpus(tmp_path_factory.mktemp("corpus"), 200)


CASES = [
    # (signal, to the group?, moment, then seconds)
    (signal.SIGINT, True, "start", 0.2),  # while Python imports
    (signal.SIGINT, True, "workers", 0.0),  # while the workers start
    (signal.SIGINT, True, "running", 0.3),
    (signal.SIGTERM, True, "workers", 0.0),
    (signal.SIGTERM, False, "running", 0.3),
    (signal.SIGINT, False, "running", 0.3),
]


@pytest.mark.parametrize("sent, group, moment, delay", CASES,
                         ids=[f"{s.name}-{'group' if g else 'main'}-{m}" for s, g, m, _ in CASES])
def test_an_interrupted_reuse_ends_cleanly(seeds_forty_times, tmp_path, sent, group, moment, delay):
    outcome = run_and_signal(["reuse", "--workers", "2", "--format", "json", str(seeds_forty_times)],
                             tmp_path, sent, group=group, moment=moment, delay=delay)
    expected = 130 if sent == signal.SIGINT else 143
    assert outcome.problems(expected) == []
    assert outcome.stderr == ("srccompare: interrupted\n" if sent == signal.SIGINT else "srccompare: terminated\n")


def test_an_interrupted_index_add_says_what_it_kept_in_one_line(seeds_two_hundred_times, tmp_path):
    db = tmp_path / "index.db"
    outcome = run_and_signal(["index", "add", "--db", str(db), str(seeds_two_hundred_times)], tmp_path / "run",
                             signal.SIGINT, group=True, moment=db, delay=0.5, output=False)
    assert outcome.problems(130) == []
    assert outcome.stderr.startswith("srccompare: interrupted; ")
    assert "articles added before are kept" in outcome.stderr


def test_an_interrupt_wrapped_by_a_c_extension_still_exits_as_an_interrupt(capsys):
    """A signal handled while C code runs can come back as a SystemError caused by the Interrupted:
    that is still Ctrl-C (130, one line), not an internal error (70)."""
    import signal as signals

    from srccompare.cli.common import run_guarded
    from srccompare.process.interrupts import Interrupted

    def wrapped() -> None:
        try:
            raise Interrupted(signals.SIGINT)
        except Interrupted as stop:
            raise SystemError("<built-in method> returned a result with an exception set") from stop

    handlers = {sign: signals.getsignal(sign) for sign in (signals.SIGINT, signals.SIGTERM)}
    try:  # run_guarded installs srccompare's handlers in this process: put pytest's back after
        with pytest.raises(SystemExit) as ended:
            run_guarded(wrapped, debug=False)
        assert ended.value.code == 130
        assert capsys.readouterr().err.strip() == "srccompare: interrupted"

        def failing() -> None:
            raise SystemError("a real bug")

        with pytest.raises(SystemExit) as ended:
            run_guarded(failing, debug=False)
        assert ended.value.code == 70
    finally:
        for sign, handler in handlers.items():
            signals.signal(sign, handler)
