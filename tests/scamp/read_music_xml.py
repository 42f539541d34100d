"""Reads MusicXML files with music21 and prints, as JSON, what it read of each.

For each file: its parts (name), each part's measures (number, time signature where given),
each measure's voices (music21's order) and their notes, chords and rests in order: MIDI
pitches (chords as lists; null for a rest), sounding length in quarter notes (a fraction),
tie type, and tuplet (actual, normal) if any; grace notes apart (their pitches, voice by
voice); its metronome marks (offset, number, beat in quarter notes, parenthesized); and
"markings" (see markings()), which the fixture scripts also take of SCAMP's own MusicXML. Usage: python read_music_xml.py FILE...
"""
import json
import sys
from fractions import Fraction

from music21 import chord, converter, dynamics, expressions, note, stream, tempo


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


def markings(score):
    """What music21 reads of a score's markings, part by part and measure by measure, each
    measure's sorted: articulations and expressions (by music21 class), noteheads other than
    normal (with fill and colour), dynamics, text expressions, and the spanners that start in
    it (by class)."""
    out = []
    for p in score.parts:
        measures = list(p.getElementsByClass(stream.Measure))
        starts = {}
        for sp in p.spanners:
            first = sp.getFirst()
            if first is None or type(sp).__name__ in ("RepeatBracket",):
                continue
            number = first.measureNumber
            starts.setdefault(number, []).append("spanner:" + type(sp).__name__)
        part_out = []
        for m in measures:
            items = list(starts.get(m.number, []))
            for n in m.recurse().notesAndRests:
                items += ["articulation:" + type(a).__name__ for a in n.articulations]
                items += ["expression:" + type(e).__name__ for e in n.expressions]
                for head in ([n] if isinstance(n, note.Note) else list(n.notes) if isinstance(n, chord.Chord) else []):
                    if head.notehead != "normal" or head.noteheadFill is not None or head.style.color:
                        items.append("notehead:{}:{}:{}".format(head.notehead, head.noteheadFill, head.style.color))
            items += ["dynamic:" + d.value for d in m.recurse().getElementsByClass(dynamics.Dynamic)]
            items += ["text:" + t.content for t in m.recurse().getElementsByClass(expressions.TextExpression)]
            part_out.append(sorted(items))
        out.append(part_out)
    return out


def read(path):
    score = converter.parse(path, format="musicxml")
    return {"file": path, "title": score.metadata.title, "composer": score.metadata.composer,
            "parts": [{"name": p.partName, "measures": [measure(m) for m in p.getElementsByClass(stream.Measure)]}
                      for p in score.parts],
            "markings": markings(score)}


def main():
    json.dump([read(path) for path in sys.argv[1:]], sys.stdout)


if __name__ == "__main__":
    main()
