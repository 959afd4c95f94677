"""One Settings object, built in one place and handed to every stage.

Values come from ``defaults.toml`` (shipped beside this file, every number
commented there), then a user file, then command-line flags, each layer
overriding the one before. The core never sees the command line. Each
section of the file loads into the dataclass of the same name here, which is
also the parameter object its stage takes (``[reuse.align]`` is the
``AlignParameters`` the aligner reads). Every value is checked when loaded:
its type, and the range its field declares (``_at_least``, ``_share``).
"""

from __future__ import annotations

import dataclasses
import math
import os
import re
import tomllib
import typing
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any


class SettingsError(ValueError):
    """A settings file or override that cannot be used; the message says which and why."""


def _at_least(low: float) -> Any:
    return field(metadata={"min": low})


def _share() -> Any:
    """A share or a similarity: 0 to 1."""
    return field(metadata={"min": 0.0, "max": 1.0})


@dataclass(frozen=True)
class LimitSettings:
    max_bytes: int = _at_least(1)
    max_files: int = _at_least(1)
    max_words: int = _at_least(1)


@dataclass(frozen=True)
class CleanSettings:
    recall: bool
    retry_below_words: int = _at_least(0)
    retry_below_page_share: float = _share()
    wider_below_share: float = _share()
    edge_container_share: float = _share()
    promo_max_words: int = _at_least(0)
    caption_max_words: int = _at_least(0)
    block_max_paragraphs: int = _at_least(1)
    edge_paragraphs: int = _at_least(0)
    repeat_min_articles: int = _at_least(2)  # 1 would make every line boilerplate
    repeat_max_words: int = _at_least(1)
    cross_min_outlets: int = _at_least(2)  # 1 would make every short line boilerplate
    cross_max_words: int = _at_least(1)
    title_max_words: int = _at_least(0)
    page_min_paragraphs: int = _at_least(1)
    page_short_share: float = _share()
    page_short_chars: int = _at_least(0)
    page_stopword_density: float = _share()
    page_language_min_share: float = _share()
    page_short_penalty: float = _at_least(0.0)
    page_full_chars: int = _at_least(0)
    page_repeat_share: float = _share()
    page_join_share: float = _at_least(0.0)
    page_join_min: float = _at_least(0.0)


@dataclass(frozen=True)
class SourceSettings:
    outlet_folder: int = _at_least(0)
    name_pattern: str
    sidecar: str


@dataclass(frozen=True)
class DiffSettings:
    pair_threshold: float = _share()
    split_containment: float = _share()
    name_min_skeleton: int = _at_least(1)
    word_diff_timeout: float = _at_least(0.0)  # 0: no limit (diff-match-patch)


@dataclass(frozen=True)
class TokenParameters:
    fold_names: bool  # names folded to a transliteration skeleton before hashing


@dataclass(frozen=True)
class SketchParameters:
    shingle: int = _at_least(1)  # tokens per shingle
    window: int = _at_least(1)  # tokens per window (a multiple of step)
    step: int = _at_least(1)  # tokens between window starts
    bands: int = _at_least(1)
    rows: int = _at_least(1)  # signature values per band; permutations = bands * rows
    seed: int = _at_least(0)

    @property
    def permutations(self) -> int:
        return self.bands * self.rows

    def problem(self) -> str | None:
        if self.window % self.step:
            return f"window ({self.window}) must be a multiple of step ({self.step})"
        return None


@dataclass(frozen=True)
class CandidateParameters:
    shingle_words: int = _at_least(1)  # words per exact shingle
    shingle_sample: int = _at_least(1)  # keep shingle hashes divisible by this
    max_df: int = _at_least(1)  # keys carried by more documents are dropped
    common_df: int = _at_least(1)  # above it a shingle counts common_df / df of one
    min_shared_shingles: int = _at_least(1)
    min_shared_bands: int = _at_least(1)


@dataclass(frozen=True)
class AlignParameters:
    ngram: int = _at_least(1)  # tokens per exact seed
    max_repeat: int = _at_least(1)  # an n-gram occurring more often than this in a document seeds nothing
    sentence_similarity: float = _at_least(0.0)  # cosine for a fuzzy sentence seed (1.0 or more: none)
    min_sentence_words: int = _at_least(1)  # shorter sentences make no fuzzy seeds
    max_sentence_pairs: int = _at_least(1)  # a longer pair (sentences x sentences) gets exact seeds only
    max_gap: int = _at_least(1)  # tokens between seeds still joined, on both sides
    merge_gap: int = _at_least(0)  # tokens between two passages that may still be joined if similar
    min_words: int = _at_least(1)  # a passage has at least this many tokens on its shorter side
    min_seed_share: float = _share()  # share of the passage's tokens inside exact seeds or fuzzy sentences
    min_similarity: float = _share()  # idf-weighted cosine of the two stretches' words
    quote_kind_share: float = _share()  # quote share at or above which a passage is a "quote"
    reporting_max_quote_share: float = _share()  # at or below which it is "reporting"; "mixed" between


@dataclass(frozen=True)
class GroupParameters:
    min_overlap: float = _share()  # two spans of one article overlapping this much (of the longer) are one family
    digest_min_stories: int = _at_least(2)  # a page carrying this many unrelated stories is a digest
    digest_min_words: int = _at_least(1)  # a stretch of shared text this long is a story of its own


@dataclass(frozen=True)
class AttributeParameters:
    quote_weight: float = _at_least(0.0)  # weight of a word inside quotation marks (reporting words weigh 1)
    min_passage_words: int = _at_least(0)  # shorter passages are not evidence
    min_score: float = _at_least(0.0)  # weighted words of agency-specific text an article must carry
    min_share: float = _share()  # share of the article's words inside the backing passages
    high_score: float = _at_least(0.0)  # "high" confidence from this score (and two credited articles)
    common_min_carriers: int = _at_least(1)  # independent articles carrying a text that make it common-source...
    common_ratio: float = _at_least(0.0)  # ...when at least this many times the agency's copies carrying it
    strong_share: float = _share()  # an uncredited article this much of which is agency text is its copy


@dataclass(frozen=True)
class EngineParameters:
    chunk_documents: int = _at_least(1)  # documents per sketch task
    chunk_pairs: int = _at_least(1)  # candidate pairs in the smallest align task
    part_rows: int = _at_least(1)  # postings a candidates task sorts
    interpret_characters: int = _at_least(0)  # a corpus this small runs in this process, its kernels interpreted
    one_process_characters: int = _at_least(0)  # browse finds the reuse of a corpus this small in its own process


@dataclass(frozen=True)
class ReuseSettings:
    tokens: TokenParameters
    sketch: SketchParameters
    candidates: CandidateParameters
    align: AlignParameters
    group: GroupParameters
    attribute: AttributeParameters
    engine: EngineParameters


@dataclass(frozen=True)
class WebSettings:
    user_agent: str
    timeout: int = _at_least(1)
    deadline: int = _at_least(1)
    retries: int = _at_least(0)
    host_delay: float = _at_least(0.0)
    parallel: int = _at_least(1)
    max_page_bytes: int = _at_least(1)
    max_redirects: int = _at_least(0)
    max_header_bytes: int = _at_least(1)
    obey_robots_txt: bool
    max_links: int = _at_least(1)
    allow_private_addresses: bool
    cache_file: str
    refresh: bool
    max_age: str

    def problem(self) -> str | None:
        try:
            max_age_seconds(self.max_age)
        except SettingsError as error:
            return str(error).removeprefix("web.")
        return None


AGE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*", re.I)
AGE_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800}


def max_age_seconds(text: str) -> float | None:
    """Seconds a ``web.max_age`` such as "90m", "12h" or "7d" stands for; None when empty (no limit)."""
    if not text.strip():
        return None
    found = AGE.fullmatch(text)
    if found is None:
        raise SettingsError(f"web.max_age should be a number and a unit (s, m, h, d or w) such as 12h, got {text!r}")
    return float(found.group(1)) * AGE_UNITS[found.group(2).lower()]


@dataclass(frozen=True)
class Settings:
    limits: LimitSettings
    clean: CleanSettings
    diff: DiffSettings
    reuse: ReuseSettings
    web: WebSettings
    sources: SourceSettings

    def replace(self, section: str, **values: Any) -> Settings:
        """A copy with some values of one section (dotted: ``"reuse.align"``) changed (used by the CLI and by tests)."""
        head, _, rest = section.partition(".")
        current = getattr(self, head)
        if rest:
            changed = _replace_in(current, rest, values)
        else:
            changed = dataclasses.replace(current, **values)
        return dataclasses.replace(self, **{head: changed})


def _replace_in(section: Any, path: str, values: dict[str, Any]) -> Any:
    head, _, rest = path.partition(".")
    inner = getattr(section, head)
    return dataclasses.replace(section, **{head: _replace_in(inner, rest, values) if rest else dataclasses.replace(inner, **values)})


# Where each key of the former flat [reuse] section lives now (named in the error an old config gets).
MOVED_REUSE_KEYS = {
    "fold_names": "reuse.tokens.fold_names",
    "shingle_words": "reuse.candidates.shingle_words",
    "shingle_sample": "reuse.candidates.shingle_sample",
    "max_df": "reuse.candidates.max_df",
    "common_df": "reuse.candidates.common_df",
    "min_shared_shingles": "reuse.candidates.min_shared_shingles",
    "min_shared_bands": "reuse.candidates.min_shared_bands",
    "sketch_shingle_words": "reuse.sketch.shingle",
    "window_words": "reuse.sketch.window",
    "window_step": "reuse.sketch.step",
    "bands": "reuse.sketch.bands",
    "rows": "reuse.sketch.rows",
    "sketch_seed": "reuse.sketch.seed",
    "align_ngram": "reuse.align.ngram",
    **{key: f"reuse.align.{key}" for key in (
        "max_repeat", "sentence_similarity", "min_sentence_words", "max_gap", "merge_gap", "min_words",
        "min_seed_share", "min_similarity", "quote_kind_share", "reporting_max_quote_share")},
    "family_min_overlap": "reuse.group.min_overlap",
    "quote_weight": "reuse.attribute.quote_weight",
    "attribute_min_passage_words": "reuse.attribute.min_passage_words",
    "attribute_min_words": "reuse.attribute.min_score",
    "attribute_min_share": "reuse.attribute.min_share",
    "chunk_documents": "reuse.engine.chunk_documents",
    "chunk_pairs": "reuse.engine.chunk_pairs",
}


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
    overrides: dict[str, Any] | None = None,
) -> Settings:
    """Defaults, then the user file (if any), then ``overrides`` (nested like the file: {section: {key: value}})."""
    data = _read_defaults()
    layers: list[tuple[str, dict[str, Any]]] = []
    if user_file is not None:
        layers.append((str(user_file), _read_toml(Path(user_file))))
    elif _has_user_file(default_config_path()):
        layers.append((str(default_config_path()), _read_toml(default_config_path())))
    if overrides:
        layers.append(("command line", overrides))
    origins: dict[str, str] = {}
    for origin, layer in layers:
        _merge(data, layer, origin, origins)
    return _build(Settings, data, "", origins)


def _read_defaults() -> dict[str, Any]:
    text = resources.files("srccompare").joinpath("defaults.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def _has_user_file(path: Path) -> bool:
    """Whether the user's settings file is there; a home that cannot be looked into (is_file raises
    PermissionError there) is a settings problem with one line, not a crash."""
    try:
        return path.is_file()
    except OSError as error:
        raise SettingsError(f"{path}: cannot look for a settings file ({error.strerror or error}); "
                            "give one with --config or set XDG_CONFIG_HOME") from None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise SettingsError(f"{path}: cannot read settings ({error.strerror or error})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise SettingsError(f"{path}: not valid TOML ({error})") from None


def _merge(base: dict[str, Any], layer: dict[str, Any], origin: str, origins: dict[str, str], prefix: str = "") -> None:
    """``layer``'s values into ``base`` (both nested dicts); ``origins`` notes which layer set each dotted key."""
    for key, value in layer.items():
        name = f"{prefix}{key}"
        if key not in base:
            raise SettingsError(f"{origin}: {_unknown(name, value)}")
        if isinstance(base[key], dict):
            if not isinstance(value, dict):
                raise SettingsError(f"{origin}: {name} should be a section [{name}], got {value!r}")
            _merge(base[key], value, origin, origins, f"{name}.")
            continue
        expected = type(base[key])
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, expected):
            raise SettingsError(f"{origin}: {name} should be {expected.__name__}, got {value!r}")
        base[key] = value
        origins[name] = origin


def _unknown(name: str, value: Any) -> str:
    moved = MOVED_REUSE_KEYS.get(name.removeprefix("reuse.")) if name.startswith("reuse.") else None
    if moved is not None:
        section, _, key = moved.rpartition(".")
        return f"setting {name} has moved: write it as {key} under [{section}]"
    if isinstance(value, dict):
        return f"unknown settings section [{name}]"
    return f"unknown setting {name}"


def _build(cls: type, values: dict[str, Any], prefix: str, origins: dict[str, str]) -> Any:
    """``cls`` from the nested dict ``values``, sections recursively, each value checked against its field's range."""
    hints = typing.get_type_hints(cls)
    built = {}
    for item in dataclasses.fields(cls):
        name = f"{prefix}{item.name}"
        if item.name not in values:
            raise SettingsError(f"defaults.toml: missing {name}")
        kind = hints[item.name]
        if dataclasses.is_dataclass(kind):
            built[item.name] = _build(kind, values[item.name], f"{name}.", origins)
        else:
            problem = _out_of_range(values[item.name], item.metadata)
            if problem:
                raise SettingsError(f"{origins.get(name, 'defaults.toml')}: {name} {problem}")
            built[item.name] = values[item.name]
    result = cls(**built)
    problem = result.problem() if hasattr(result, "problem") else None
    if problem:
        where = sorted({origins[key] for key in origins if key.startswith(prefix)}) or ["defaults.toml"]
        raise SettingsError(f"{', '.join(where)}: [{prefix.rstrip('.')}] {problem}")
    return result


def _out_of_range(value: Any, bounds: typing.Mapping[str, Any]) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return f"must be a finite number, got {value!r}"
    if isinstance(value, int) and not -(2**63) <= value < 2**63:
        return f"must fit in 64 bits, got {value!r}"
    low, high = bounds.get("min"), bounds.get("max")
    if low is not None and value < low:
        return f"must be at least {low}, got {value!r}"
    if high is not None and value > high:
        return f"must be at most {high}, got {value!r}"
    return None
