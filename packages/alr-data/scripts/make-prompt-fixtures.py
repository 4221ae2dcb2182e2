#!/usr/bin/python3
"""Prompt fixtures for @soundmind/alr-data, made by running SoundMind's own preprocessing.

Runs examples/data_preprocess/alr.py, alr_text.py and alr_audio.py from a SoundMind checkout (github
xid32/SoundMind, dcbcac4) unmodified, with `datasets` and `verl.utils.hdfs_io` replaced by small stubs:
load_dataset yields the items of an ALR annotation file (audio as the path SoundMind's alr_dataset.py
would decode), map() calls the script's own process_fn, and to_parquet() captures the rows. Nothing of
SoundMind's code is copied; it is executed from the checkout given on the command line.

Usage:
  /usr/bin/python3 scripts/make-prompt-fixtures.py SOUNDMIND_CHECKOUT ANNOTATIONS_DIR OUT.json
  (ANNOTATIONS_DIR holds test.jsonl; the fixture covers every item of test.jsonl)

Output: the strings each script uses, full rows for the first items, and for every item and variant the
sha256 of its prompt serialised as compact JSON (key order kept, non-ASCII unescaped), which matches
JSON.stringify in JavaScript.
"""
import hashlib
import json
import os
import runpy
import sys
import types

soundmind, annotations_dir, out_path = sys.argv[1:4]
LOAD_DIR = "./mmdata/alr"  # the scripts' default --load_dir, which becomes data_source
SPLIT = "test"


def read_items(split):
    path = os.path.join(annotations_dir, f"{split}.jsonl")
    items = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            item = json.loads(line.strip())
            folder = os.path.join(LOAD_DIR, split, item["id"])
            label = int(item["label"])
            items.append({
                "id": item["id"],
                "user_content": item["user_content"],
                "answer": item["answer"],
                "label": label,
                "audio_question": os.path.join(folder, "question.wav"),
                "audio_answer": os.path.join(folder, f"answer_{label}.wav"),
            })
    return items


captured = {}


class StubSplit:
    def __init__(self, name, rows):
        self.name, self.rows = name, rows

    def map(self, function, with_indices=False, num_proc=None):
        out = [function(dict(row), idx) for idx, row in enumerate(self.rows)]
        return StubSplit(self.name, out)

    def to_parquet(self, path):
        captured[os.path.basename(path)] = self.rows


def load_dataset(path=None, data_dir=None):
    return {"train": StubSplit("train", []), "dev": StubSplit("dev", []), "test": StubSplit("test", read_items(SPLIT))}


def install_stubs():
    datasets = types.ModuleType("datasets")
    datasets.load_dataset = load_dataset
    sys.modules["datasets"] = datasets
    for name in ["verl", "verl.utils"]:
        sys.modules[name] = types.ModuleType(name)
    hdfs = types.ModuleType("verl.utils.hdfs_io")
    hdfs.copy = lambda **kw: None
    hdfs.makedirs = lambda *a, **kw: None
    sys.modules["verl.utils.hdfs_io"] = hdfs


def canonical(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


install_stubs()
fixture = {"soundmindCommit": "dcbcac4", "loadDir": LOAD_DIR, "split": SPLIT, "variants": {}}
for variant, script in [("audio-text", "alr.py"), ("text", "alr_text.py"), ("audio", "alr_audio.py")]:
    captured.clear()
    sys.argv = [script, "--local_dir", "/nonexistent"]
    runpy.run_path(os.path.join(soundmind, "examples", "data_preprocess", script), run_name="__main__")
    rows = captured["test.parquet"]
    fixture["variants"][variant] = {
        "script": script,
        "firstRows": rows[:2],
        "promptSha256": {row["extra_info"]["ori_idx"]: hashlib.sha256(canonical(row["prompt"]).encode("utf-8")).hexdigest() for row in rows},
    }
    print(f"{script}: {len(rows)} rows", file=sys.stderr)

with open(out_path, "w", encoding="utf-8") as f:
    json.dump(fixture, f, ensure_ascii=False)
    f.write("\n")
