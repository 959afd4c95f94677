"""The rules' prefilters kept on disk: the same as derived, used by the next process, never trusted blindly."""

import json
import os
import re
import subprocess
import sys

from srccompare.rules import load_rules, load_screened_rules, prefilter, stored
from srccompare.rules.prefilter import Prefilter, derive_prefilter, known_prefilters


def test_stored_prefilters_are_the_derived_ones(tmp_path):
    load_screened_rules()
    path = tmp_path / "prefilters.json"
    stored._on_disk.clear()
    stored.store(path)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert len(document["answers"]) >= len(load_rules().lines)
    for entry in document["answers"]:
        pattern, flags, most, most_prefixes = entry["key"]
        assert stored._prefilter(entry["prefilter"]) == derive_prefilter(re.compile(pattern, flags), most, most_prefixes)
    assert stored.load_stored(path) == len(document["answers"])
    assert {tuple(entry["key"]) for entry in document["answers"]} <= known_prefilters().keys()


COUNT_DERIVED = """
from srccompare.rules import prefilter
derived = []
original = prefilter.derive_prefilter
prefilter.derive_prefilter = lambda *args: derived.append(args) or original(*args)
from srccompare.rules import load_screened_rules
load_screened_rules()
print(len(derived))
"""


def derived_in_a_new_process(cache, seed):
    environment = {**os.environ, "XDG_CACHE_HOME": str(cache), "PYTHONHASHSEED": seed}
    done = subprocess.run([sys.executable, "-c", COUNT_DERIVED], capture_output=True, text=True, env=environment, check=True)
    return int(done.stdout.strip())


def test_a_new_process_takes_the_stored_prefilters_and_derives_none(tmp_path):
    assert derived_in_a_new_process(tmp_path, "1") > 50
    assert list((tmp_path / "srccompare").glob("prefilters-*.json"))
    # another hash seed: the rules' patterns (the keys) are the same in every process
    assert derived_in_a_new_process(tmp_path, "2") == 0


def test_a_damaged_or_foreign_file_is_ignored(tmp_path):
    path = tmp_path / "prefilters.json"
    good = {
        "key": ["abc", 34, 12, 16],
        "prefilter": {"required": ["abc"], "floating": None, "anchored": False, "prefixes": None, "first": None,
                      "alternatives": [[["="], ["let", "var"]], [["abc"]]]},
    }
    version = stored.FORMAT
    older = {**good, "prefilter": {k: v for k, v in good["prefilter"].items() if k != "alternatives"}}
    for content in (
        b"\x00\xff binary",
        b"",
        b"[1, 2]",
        json.dumps({"format": 99, "answers": [good]}).encode(),
        json.dumps({"format": 1, "answers": [older]}).encode(),  # written before the alternatives
        json.dumps({"format": version, "answers": [{**good, "key": ["abc", "34", 12, 16]}]}).encode(),
        json.dumps({"format": version, "answers": [{**good, "prefilter": {**good["prefilter"], "required": "abc"}}]}).encode(),
        json.dumps({"format": version, "answers": [{**good, "prefilter": {**good["prefilter"], "anchored": 1}}]}).encode(),
        json.dumps({"format": version, "answers": [{**good, "prefilter": {**good["prefilter"], "alternatives": [["="]]}}]}).encode(),
    ):
        path.write_bytes(content)
        assert stored.load_stored(path) == 0
    path.write_text(json.dumps({"format": version, "answers": [good]}), encoding="utf-8")
    assert stored.load_stored(path) == 1
    assert prefilter.prefilter_of(re.compile("abc", re.IGNORECASE), 12, 16) == Prefilter(
        ("abc",), None, False, alternatives=((("=",), ("let", "var")), (("abc",),))
    )


def test_a_directory_that_cannot_be_written_is_no_error(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory", encoding="utf-8")
    load_rules()
    stored._on_disk.clear()
    stored.store(blocker / "srccompare" / "prefilters.json")  # no exception
    assert blocker.read_text(encoding="utf-8") == "not a directory"


def test_a_failed_write_leaves_no_file_behind(tmp_path, monkeypatch):
    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    load_rules()
    stored._on_disk.clear()
    monkeypatch.setattr(stored.json, "dump", disk_full)
    stored.store(tmp_path / "prefilters.json")  # no exception
    assert list(tmp_path.iterdir()) == []
