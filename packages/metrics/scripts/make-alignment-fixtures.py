#!/usr/bin/env python3
"""Reference alignments for @soundmind/metrics' processWords, made with rapidfuzz (what jiwer calls).

jiwer's process_words maps every distinct word to an integer and takes the alignment from
rapidfuzz.distance.Levenshtein.opcodes(reference, hypothesis); hits/substitutions/deletions/insertions
are counted from those opcodes. When several alignments have the minimal cost, rapidfuzz's choice decides
the counts (and so mer/wil/wip), which is why the fixture pins its exact choice.

Run (rapidfuzz 3.14.6, e.g. an unpacked wheel on PYTHONPATH; nothing else needed):
    PYTHONPATH=/path/to/rapidfuzz /usr/bin/python3 scripts/make-alignment-fixtures.py \
        > test/fixtures/rapidfuzz-alignments.json
Sequences are written as strings, one letter per word.
"""
import json
import random

import rapidfuzz
from rapidfuzz.distance import Levenshtein

TYPE = {"equal": "e", "replace": "s", "delete": "d", "insert": "i"}


def case(rng, max_len, vocab):
    letters = "abcdefghijklmnopqrstuvwxyz"[:vocab]
    n = rng.randint(0, max_len)
    m = rng.randint(0, max_len)
    ref = "".join(rng.choice(letters) for _ in range(n))
    hyp = "".join(rng.choice(letters) for _ in range(m))
    return ref, hyp


def mutate(rng, ref, vocab, rate):
    letters = "abcdefghijklmnopqrstuvwxyz"[:vocab]
    out = []
    for ch in ref:
        r = rng.random()
        if r < rate / 3:
            continue
        if r < 2 * rate / 3:
            out.append(rng.choice(letters))
        elif r < rate:
            out.append(ch)
            out.append(rng.choice(letters))
        else:
            out.append(ch)
    return "".join(out)


def entry(ref, hyp):
    ops = Levenshtein.opcodes(ref, hyp)
    return {
        "ref": ref,
        "hyp": hyp,
        "ops": "".join(f"{TYPE[o.tag]}{o.src_start},{o.src_end},{o.dest_start},{o.dest_end};" for o in ops),
    }


def main():
    rng = random.Random(20240613)
    cases = []
    for _ in range(800):
        cases.append(entry(*case(rng, 40, rng.randint(2, 6))))
    for _ in range(200):
        ref, _ = case(rng, 120, 8)
        cases.append(entry(ref, mutate(rng, ref, 8, rng.random() * 0.6)))
    # Long pairs that take rapidfuzz's Hirschberg path (matrix of at least 1 MiB of bits).
    long_cases = []
    for n, vocab, rate in [(2300, 3, 1.0), (2600, 5, 0.5), (3000, 4, 0.9)]:
        ref = "".join(rng.choice("abcde"[:vocab]) for _ in range(n))
        hyp = mutate(rng, ref, vocab, rate)
        long_cases.append(entry(ref, hyp))
    print(json.dumps({"rapidfuzz": rapidfuzz.__version__, "cases": cases, "long": long_cases}, separators=(",", ":")))


if __name__ == "__main__":
    main()
