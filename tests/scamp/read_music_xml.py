"""Reads MusicXML files with music21 and prints, as JSON, what it read of each.

For each file: its parts (name), each part's measures (number, time signature where given),
each measure's voices (music21's order) and their notes, chords and rests in order: MIDI
pitches (chords as lists; null for a rest), sounding length in quarter notes (a fraction),
tie type, and tuplet (actual, normal) if any; grace notes apart (their pitches, voice by
voice); its metronome marks (offset, number, beat in quarter notes, parenthesized). Usage: python read_music_xml.py FILE...
"""
import json
import sys
from fractions import Fraction

from music21 import chord, converter, note, stream, tempo


def element(e):
    if isinstance(e, chord.Chord):
        pitches = [p.ps for p in e.pitches]
    elif isinstance(e, note.Note):
        pitches = e.pitch.ps
    else:
        pitches = None
    tuplets = e.duration.tuplets
    return {
        "pitch": pitches,
        "length": str(Fraction(e.duration.quarterLength).limit_denominator(10000)),
        "tie": e.tie.type if e.tie is not None else None,
        "tuplet": [tuplets[0].numberNotesActual, tuplets[0].numberNotesNormal] if tuplets else None,
    }


def measure(m):
    voices = list(m.voices) or [m]
    return {
        "number": m.number,
        "voices": [[element(e) for e in v.notesAndRests if not e.duration.isGrace] for v in voices],
        "graces": [[element(e)["pitch"] for e in v.notesAndRests if e.duration.isGrace] for v in voices],
        "tempi": [[str(Fraction(t.offset).limit_denominator(10000)), float(t.number), t.referent.quarterLength,
                   bool(t.parentheses)] for t in m.recurse().getElementsByClass(tempo.MetronomeMark)],
    }


def main():
    out = []
    for path in sys.argv[1:]:
        score = converter.parse(path, format="musicxml")
        out.append({"file": path, "title": score.metadata.title, "composer": score.metadata.composer,
                    "parts": [{"name": p.partName, "measures": [measure(m) for m in p.getElementsByClass(stream.Measure)]}
                              for p in score.parts]})
    json.dump(out, sys.stdout)


main()
