"""One Settings object, built in one place and handed to every stage.

Values come from ``defaults.toml`` (shipped beside this file, every number
commented there), then a user file, then command-line flags, each layer
overriding the one before. The core never sees the command line.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any


class SettingsError(ValueError):
    """A settings file or override that cannot be used; the message says which and why."""


@dataclass(frozen=True)
class LimitSettings:
    max_bytes: int
    max_files: int
    max_words: int


@dataclass(frozen=True)
class CleanSettings:
    recall: bool
    retry_below_words: int
    wider_below_share: float
    promo_max_words: int
    caption_max_words: int
    block_max_paragraphs: int
    edge_paragraphs: int
    repeat_min_articles: int
    repeat_max_words: int
    cross_min_outlets: int
    cross_max_words: int
    title_max_words: int
    page_min_paragraphs: int
    page_short_share: float
    page_short_chars: int
    page_stopword_density: float
    page_language_min_share: float
    page_short_penalty: float
    page_full_chars: int
    page_repeat_share: float
    page_join_share: float
    page_join_min: float


@dataclass(frozen=True)
class SourceSettings:
    outlet_folder: int
    name_pattern: str
    sidecar: str


@dataclass(frozen=True)
class DiffSettings:
    pair_threshold: float
    split_containment: float
    name_min_skeleton: int
    word_diff_timeout: float


@dataclass(frozen=True)
class ReuseSettings:
    fold_names: bool
    shingle_words: int
    shingle_sample: int
    max_df: int
    common_df: int
    min_shared_shingles: int
    sketch_shingle_words: int
    window_words: int
    window_step: int
    bands: int
    rows: int
    sketch_seed: int
    min_shared_bands: int
    align_ngram: int
    max_repeat: int
    sentence_similarity: float
    min_sentence_words: int
    max_gap: int
    merge_gap: int
    min_words: int
    min_seed_share: float
    min_similarity: float
    quote_kind_share: float
    reporting_max_quote_share: float
    family_min_overlap: float
    quote_weight: float
    attribute_min_passage_words: int
    attribute_min_words: int
    attribute_min_share: float
    chunk_documents: int
    chunk_pairs: int


@dataclass(frozen=True)
class WebSettings:
    user_agent: str
    timeout: int
    host_delay: float
    parallel: int
    max_page_bytes: int
    max_redirects: int
    max_links: int
    allow_private_addresses: bool
    cache_file: str
    refresh: bool


@dataclass(frozen=True)
class Settings:
    limits: LimitSettings
    clean: CleanSettings
    diff: DiffSettings
    reuse: ReuseSettings
    web: WebSettings
    sources: SourceSettings

    def replace(self, section: str, **values: Any) -> Settings:
        """A copy with some values of one section changed (used by the CLI and by tests)."""
        current = getattr(self, section)
        return dataclasses.replace(self, **{section: dataclasses.replace(current, **values)})


def cache_directory() -> Path:
    """Where srccompare keeps things between runs: $XDG_CACHE_HOME/srccompare, else ~/.cache/srccompare."""
    return _user_directory("XDG_CACHE_HOME", ".cache")


def default_config_path() -> Path:
    return _user_directory("XDG_CONFIG_HOME", ".config") / "config.toml"


def _user_directory(variable: str, fallback: str) -> Path:
    """srccompare's directory under the XDG base directory ``variable`` names, else under ~/``fallback``."""
    base = os.environ.get(variable) or os.path.join(os.path.expanduser("~"), fallback)
    return Path(base) / "srccompare"


def load_settings(
    user_file: str | os.PathLike[str] | None = None,
    overrides: dict[str, dict[str, Any]] | None = None,
) -> Settings:
    """Defaults, then the user file (if any), then ``overrides`` ({section: {key: value}})."""
    data = _read_defaults()
    layers: list[tuple[str, dict[str, Any]]] = []
    if user_file is not None:
        layers.append((str(user_file), _read_toml(Path(user_file))))
    elif default_config_path().is_file():
        layers.append((str(default_config_path()), _read_toml(default_config_path())))
    if overrides:
        layers.append(("command line", overrides))
    for origin, layer in layers:
        _merge(data, layer, origin)
    return _build(data)


def _read_defaults() -> dict[str, Any]:
    text = resources.files("srccompare").joinpath("defaults.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise SettingsError(f"{path}: cannot read settings ({error.strerror or error})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise SettingsError(f"{path}: not valid TOML ({error})") from None


def _merge(base: dict[str, Any], layer: dict[str, Any], origin: str) -> None:
    for section, values in layer.items():
        if section not in base or not isinstance(values, dict):
            raise SettingsError(f"{origin}: unknown settings section [{section}]")
        for key, value in values.items():
            if key not in base[section]:
                raise SettingsError(f"{origin}: unknown setting {section}.{key}")
            expected = type(base[section][key])
            if expected is float and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
            if not isinstance(value, expected):
                raise SettingsError(
                    f"{origin}: {section}.{key} should be {expected.__name__}, got {value!r}"
                )
            base[section][key] = value


def _build(data: dict[str, Any]) -> Settings:
    sections = {}
    for section_field in dataclasses.fields(Settings):
        section_class = section_field.type
        section_class = globals()[section_class] if isinstance(section_class, str) else section_class
        values = data.get(section_field.name, {})
        names = {f.name for f in dataclasses.fields(section_class)}
        missing = names - set(values)
        if missing:
            raise SettingsError(f"defaults.toml: missing {section_field.name}.{sorted(missing)[0]}")
        sections[section_field.name] = section_class(**{k: values[k] for k in names})
    return Settings(**sections)
