from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from srccompare.clean import clean_text
from srccompare.model import CleanArticle
from srccompare.settings import Settings, load_settings

# Tests never read the developer's own ~/.config/srccompare/config.toml, nor write to their cache.
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="srccompare-test-config-")
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="srccompare-test-cache-")

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
FIXTURES = ROOT / "fixtures"
SEED_NAMES = {
    "nbc": "000_a89f6ea31e7902d2.txt",
    "trt": "001_c8de61e9140fbb2f.txt",
    "unknown": "002_f1fbc4a1f97f33cb.txt",
    "mt_afp": "003_e9706742b5579535.txt",
    "mt": "004_afed851dedc7de4e.txt",
}


@pytest.fixture(scope="session")
def settings() -> Settings:
    return load_settings()


def seed_text(key: str) -> str:
    return (SEEDS / SEED_NAMES[key]).read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def seeds() -> dict[str, CleanArticle]:
    """The five seed articles, cleaned, by a short key."""
    return {key: clean_text(seed_text(key), id=name[:3], source=str(SEEDS / name)) for key, name in SEED_NAMES.items()}


class CliResult:
    def __init__(self, returncode: int, stdout: str, stderr: str) -> None:
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


@pytest.fixture
def cli(capsys):
    """Run the srccompare command line in this process (fast); returns status, stdout, stderr."""
    from srccompare.cli import entry_point

    def invoke(*args: str) -> CliResult:
        capsys.readouterr()
        with pytest.raises(SystemExit) as done:
            entry_point([str(a) for a in args])
        out, err = capsys.readouterr()
        return CliResult(done.value.code if isinstance(done.value.code, int) else 0, out, err)

    return invoke
