"""The VST3 in DawDreamer 0.9 (PyPI): it reports real-time processing yet renders far faster
than real time, and calls the plugin a few times with the transport stopped first. Renders of
8 s and 60 s at 90 bpm must equal (correlation >= 0.999) `scamp host Arpeggio`, the
project's own exact offline render of the plugin.

Usage: dawdreamer_vst3.py PATH/scamp.vst3 PATH/scamp-cli WORK_DIR
"""
import os
import subprocess
import sys
import time

import dawdreamer as daw

sys.path.insert(0, os.path.dirname(__file__))
from audio import compare, read_wav  # noqa: E402

SR, BLOCK, BPM = 48_000, 512, 90.0


def main(bundle, cli, work):
    os.makedirs(work, exist_ok=True)
    failures = []
    for seconds in (8.0, 60.0):
        engine = daw.RenderEngine(SR, BLOCK)
        engine.set_bpm(BPM)
        plugin = engine.make_plugin_processor("scamp", bundle)
        engine.load_graph([(plugin, [])])
        started = time.monotonic()
        engine.render(seconds)
        took = time.monotonic() - started
        got = engine.get_audio().T
        ref = os.path.join(work, f"dawdreamer-ref-{int(seconds)}.wav")
        subprocess.run([cli, "host", "Arpeggio", "--tempo", str(BPM), "--seconds", str(seconds),
                        "--sample-rate", str(SR), "--block-size", str(BLOCK), "--render", ref],
                       check=True, stdout=subprocess.DEVNULL)
        want = read_wav(ref)[1]
        rms, corr = compare(got, want)
        print(f"dawdreamer: {seconds:.0f} s at {BPM:.0f} bpm rendered in {took:.2f} s "
              f"({seconds / took:.1f}x real time), rms {rms:.4f}, correlation {corr:.6f}")
        if rms < 0.01 or corr < 0.999:
            failures.append(seconds)
    if failures:
        print(f"FAILED: {failures}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
