"""Settings: sections load into the stages' parameter objects, and every value is checked when loaded."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import tomllib
from importlib import resources

import pytest

from conftest import SEEDS
from srccompare.settings import (
    MOVED_REUSE_KEYS,
    AlignParameters,
    AttributeParameters,
    Settings,
    SettingsError,
    SketchParameters,
    load_settings,
)


def config(tmp_path, text: str):
    path = tmp_path / "config.toml"
    path.write_text(text)
    return path


def test_reuse_sections_are_the_parameter_objects(tmp_path):
    settings = load_settings(config(tmp_path, "[reuse.align]\nmin_words = 30\n[reuse.sketch]\nbands = 8\n"))
    assert isinstance(settings.reuse.align, AlignParameters) and settings.reuse.align.min_words == 30
    assert isinstance(settings.reuse.sketch, SketchParameters) and settings.reuse.sketch.permutations == 8 * 3
    assert isinstance(settings.reuse.attribute, AttributeParameters)
    assert settings.reuse.candidates.min_shared_shingles == 4  # untouched sections keep the defaults


def test_every_default_key_is_a_field_and_back():
    defaults = tomllib.loads(resources.files("srccompare").joinpath("defaults.toml").read_text(encoding="utf-8"))
    settings = load_settings(user_file=None)

    def keys(value, prefix=""):
        if dataclasses.is_dataclass(value):
            return {k for f in dataclasses.fields(value) for k in keys(getattr(value, f.name), f"{prefix}{f.name}.")}
        if isinstance(value, dict):
            return {k for name, inner in value.items() for k in keys(inner, f"{prefix}{name}.")}
        return {prefix.rstrip(".")}

    assert keys(defaults) == keys(settings)


def test_every_old_flat_reuse_key_names_its_new_place(tmp_path):
    fields = {f"reuse.{s.name}.{f.name}" for s in dataclasses.fields(load_settings().reuse)
              for f in dataclasses.fields(getattr(load_settings().reuse, s.name))}
    assert set(MOVED_REUSE_KEYS.values()) <= fields
    later = {"reuse.engine.part_rows", "reuse.align.max_sentence_pairs", "reuse.engine.interpret_characters",
             "reuse.engine.one_process_characters", "reuse.group.digest_min_stories",
             "reuse.group.digest_min_words", "reuse.attribute.high_score", "reuse.attribute.common_min_carriers",
             "reuse.attribute.common_ratio", "reuse.attribute.strong_share"}  # settings that came after the flat section
    assert len(MOVED_REUSE_KEYS) == len(fields - later)  # one a key of the flat section
    with pytest.raises(SettingsError) as error:
        load_settings(config(tmp_path, "[reuse]\nattribute_min_words = 30\n"))
    assert str(error.value) == (
        f"{tmp_path / 'config.toml'}: setting reuse.attribute_min_words has moved: write it as min_score under [reuse.attribute]"
    )


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[reuse.sketch]\nbands = 0\n", "reuse.sketch.bands must be at least 1, got 0"),
        ("[limits]\nmax_bytes = -5\n", "limits.max_bytes must be at least 1, got -5"),
        ("[reuse.align]\nmin_similarity = nan\n", "reuse.align.min_similarity must be a finite number, got nan"),
        ("[reuse.align]\nmin_similarity = 1.5\n", "reuse.align.min_similarity must be at most 1.0, got 1.5"),
        ("[diff]\nword_diff_timeout = inf\n", "diff.word_diff_timeout must be a finite number, got inf"),
        ("[clean]\nrepeat_min_articles = 1\n", "clean.repeat_min_articles must be at least 2, got 1"),
        ("[web]\nparallel = 0\n", "web.parallel must be at least 1, got 0"),
        ("[reuse.candidates]\nmax_df = 99999999999999999999\n", "reuse.candidates.max_df must fit in 64 bits, got 99999999999999999999"),
        ("[reuse.sketch]\nwindow = 120\n", "[reuse.sketch] window (120) must be a multiple of step (50)"),
        ("[reuse.align]\nmin_words = 2.5\n", "reuse.align.min_words should be int, got 2.5"),
        ("[reuse]\nalign = 3\n", "reuse.align should be a section [reuse.align], got 3"),
        ("[reuse.nothing]\nx = 1\n", "unknown settings section [reuse.nothing]"),
    ],
)
def test_a_bad_value_is_one_error_naming_setting_and_file(tmp_path, text, problem):
    path = config(tmp_path, text)
    with pytest.raises(SettingsError) as error:
        load_settings(path)
    assert str(error.value) == f"{path}: {problem}"


def test_an_override_out_of_range_is_blamed_on_the_command_line():
    with pytest.raises(SettingsError, match=r"^command line: limits.max_words must be at least 1, got 0$"):
        load_settings(overrides={"limits": {"max_words": 0}})


def test_every_number_of_the_defaults_is_checked():
    """No numeric field is left without a declared range (a new key must say what it accepts)."""
    unchecked = []
    settings = load_settings()
    stack = [(settings, "")]
    while stack:
        value, prefix = stack.pop()
        for item in dataclasses.fields(value):
            inner = getattr(value, item.name)
            if dataclasses.is_dataclass(inner):
                stack.append((inner, f"{prefix}{item.name}."))
            elif isinstance(inner, (int, float)) and not isinstance(inner, bool) and "min" not in item.metadata:
                unchecked.append(prefix + item.name)
    assert unchecked == []


def test_replace_reaches_a_nested_section():
    settings = load_settings()
    changed = settings.replace("reuse.align", min_words=30)
    assert changed.reuse.align.min_words == 30 and changed.reuse.sketch == settings.reuse.sketch
    assert isinstance(changed, Settings) and settings.reuse.align.min_words == 10


@pytest.mark.parametrize("command", [["clean"], ["reuse", "--format", "json"]])
def test_cli_refuses_a_bad_setting_with_one_line_and_no_output(tmp_path, command):
    path = config(tmp_path, "[reuse.sketch]\nbands = 0\n")
    result = subprocess.run(
        [sys.executable, "-m", "srccompare", "--config", str(path), *command, str(SEEDS / "000_a89f6ea31e7902d2.txt")],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == f"srccompare: {path}: reuse.sketch.bands must be at least 1, got 0\n"


def test_a_home_that_cannot_be_looked_into_is_one_line_not_a_crash(tmp_path, monkeypatch, cli):
    """``Path.is_file`` raises PermissionError under a home this user may not search (as root it never
    does, so the error is raised as Python raises it there); --config still works."""
    import pathlib

    home = tmp_path / "home"
    looked_for = home / ".config" / "srccompare" / "config.toml"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_CONFIG_HOME")
    is_file = pathlib.Path.is_file

    def refusing(path):
        if pathlib.Path(path) == looked_for:
            raise PermissionError(13, "Permission denied", str(path))
        return is_file(path)

    monkeypatch.setattr(pathlib.Path, "is_file", refusing)
    seed = str(SEEDS / "000_a89f6ea31e7902d2.txt")
    result = cli("clean", seed)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == (f"srccompare: {looked_for}: cannot look for a settings file (Permission denied); "
                             "give one with --config or set XDG_CONFIG_HOME\n")
    given = config(tmp_path, "")
    assert cli("--config", str(given), "clean", seed).returncode == 0


@pytest.mark.skipif(os.geteuid() == 0, reason="root may look into any directory")
def test_an_unsearchable_home_is_one_line_for_real(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    home.chmod(0)
    try:
        result = subprocess.run([sys.executable, "-m", "srccompare", "clean", str(SEEDS / "000_a89f6ea31e7902d2.txt")],
                                capture_output=True, text=True, timeout=120,
                                env={**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": ""})
    finally:
        home.chmod(0o700)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "cannot look for a settings file" in result.stderr
