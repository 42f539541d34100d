"""The VST3 bundle in a second, independent host: minihost (JUCE). Like a DAW, the transport
stands stopped for a second, then plays the default piece ("Arpeggio") for 4 beats at 90 bpm,
48 kHz, blocks delivered at their real-time pace; checks the plugin's MIDI output lands on the
sixteenths' samples and the audio is not silent. Usage: minihost_vst3.py path/to/scamp.vst3
"""
import sys
import time

import minihost
import numpy as np

SR, BLOCK, TEMPO = 48_000, 512, 90.0
SAMPLES_PER_BEAT = SR * 60 / TEMPO  # 32,000


def main(path: str) -> int:
    plugin = minihost.Plugin(path, sample_rate=SR, max_block_size=BLOCK, in_channels=0, out_channels=2)
    silence = np.zeros((0, BLOCK), dtype=np.float32)
    out = np.zeros((2, BLOCK), dtype=np.float32)
    note_ons, peak = [], 0.0
    warmup = SR // BLOCK
    blocks = warmup + int(4 * SAMPLES_PER_BEAT) // BLOCK
    start = time.monotonic()
    for i in range(blocks):
        due = start + i * BLOCK / SR
        if due > time.monotonic():
            time.sleep(due - time.monotonic())
        playing = i >= warmup
        at = (i - warmup) * BLOCK if playing else 0
        plugin.set_transport(TEMPO, position_samples=at, position_beats=at / SAMPLES_PER_BEAT, is_playing=playing)
        events = plugin.process_midi(silence, out, [], 1024)
        for offset, status, key, velocity in events:
            if playing and status & 0xF0 == 0x90 and velocity > 0:
                note_ons.append((at + offset, key))
        peak = max(peak, float(np.abs(out).max()))
    plugin.close()
    off_grid = [n for n in note_ons if n[0] % 8_000 != 0]
    print(f"minihost: {len(note_ons)} note-ons, {len(off_grid)} off the sixteenth grid, peak {peak:.3f}")
    if len(note_ons) != 20 or off_grid or peak < 0.01:
        print(f"FAILED: {note_ons}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
