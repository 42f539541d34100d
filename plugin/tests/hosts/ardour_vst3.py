"""The VST3 in Ardour 7 (Debian `ardour`), headless through `ardour7-lua`: a MIDI track with
the plugin playing its default piece (Arpeggio), exported to WAV at 60, 90, 120 and 137 bpm
and with a tempo change in Ardour's tempo map (90 → 120 bpm at beat 8). Each export must be
non-silent and equal (correlation >= 0.999, and every beat's window aligned with lag 0) to
`scamp host Arpeggio`, the project's own exact offline render of the plugin at that tempo.

Usage: ardour_vst3.py PATH/scamp.vst3 PATH/scamp-cli WORK_DIR
"""
import os
import shutil
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from audio import compare, correlation, read_wav  # noqa: E402

SR, SECONDS = 48_000, 8.0
HERE = os.path.dirname(os.path.abspath(__file__))


def prepare(bundle, work):
    """A private Ardour configuration that finds the bundle, scanned once."""
    shutil.rmtree(work, ignore_errors=True)
    for d in ("cfg/ardour7", "cache", "vst3", "out"):
        os.makedirs(os.path.join(work, d))
    dest = os.path.join(work, "vst3", "scamp.vst3")
    shutil.copytree(bundle, dest)
    # Ardour takes a module no older than its cache entry for an updated one and skips it.
    subprocess.run(["find", dest, "-exec", "touch", "-d", "-1 minute", "{}", "+"], check=True)
    with open(os.path.join(work, "cfg/ardour7/config"), "w") as f:
        f.write('<?xml version="1.0"?><Ardour><Config>'
                '<Option name="hide-dummy-backend" value="0"/>'
                f'<Option name="plugin-path-vst3" value="{os.path.join(work, "vst3")}"/>'
                '</Config></Ardour>')
    env = dict(os.environ, XDG_CONFIG_HOME=os.path.join(work, "cfg"),
               XDG_CACHE_HOME=os.path.join(work, "cache"))
    scan = dict(env, LD_LIBRARY_PATH="/usr/lib/ardour7")
    subprocess.run(["/usr/lib/ardour7/ardour-vst3-scanner", dest], env=scan, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return env


def export(env, work, name, bpm, change=None):
    """Ardour's export of the session, as a float array (frames, 2)."""
    run_env = dict(env, SESS_DIR=os.path.join(work, name), SESS_NAME=name,
                   OUT_DIR=os.path.join(work, "out"), BPM=str(bpm), SECS=str(SECONDS),
                   PLUGNAME="scamp")
    if change:
        beat, bpm2 = change
        run_env.update(BPM2=str(bpm2), AT=str(int(round(beat * 60.0 / bpm * SR))))
    out = os.path.join(work, "out", name + ".wav")
    for attempt in range(3):
        # Now and then the dummy backend fails to register a port and aborts: try again.
        shutil.rmtree(os.path.join(work, name), ignore_errors=True)
        if os.path.exists(out):
            os.remove(out)
        r = subprocess.run(["ardour7-lua", os.path.join(HERE, "ardour_render.lua")], env=run_env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=180)
        log = r.stdout.decode(errors="replace")
        # Ardour 7.3 itself now and then corrupts its heap tearing the session down after the
        # export (in ~PortExportChannel; its own LV2 synth does the same): the export is done
        # by then, so it counts when Ardour said so and the file is there.
        if "export result: true" in log and os.path.exists(out):
            if r.returncode != 0:
                print(f"ardour: exported {name}, then exited with {r.returncode} closing the session")
            return read_wav(out)[1]
        print(f"ardour: attempt {attempt + 1} failed ({r.returncode}): "
              f"{r.stdout.decode(errors='replace')[-400:]}")
    raise RuntimeError(f"Ardour did not export {name}")


def reference(cli, work, name, bpm, change=None):
    path = os.path.join(work, "out", name + "-ref.wav")
    args = [cli, "host", "Arpeggio", "--tempo", str(bpm), "--seconds", str(SECONDS),
            "--sample-rate", str(SR), "--block-size", "512", "--render", path]
    if change:
        args += ["--tempo-change", f"{change[0]}:{change[1]}"]
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
    return read_wav(path)[1]


def misaligned_windows(a, b, window):
    """Windows (one a beat) whose best-correlating lag of `a` against `b` is not 0."""
    bad = []
    for start in range(0, min(len(a), len(b)) - window, window):
        x, y = a[start:start + window], b[start:start + window]
        if np.abs(y).max() < 1e-3:
            continue
        lags = {lag: correlation(x[max(lag, 0):len(x) + min(lag, 0)],
                                 y[max(-lag, 0):len(y) + min(-lag, 0)])
                for lag in (-128, -64, -16, -1, 0, 1, 16, 64, 128)}
        best = max(lags, key=lags.get)
        if best != 0:
            bad.append((start, best))
    return bad


def main(bundle, cli, work):
    # Ardour takes only absolute paths (a relative session folder ends it with a ConvertError).
    bundle, cli, work = (os.path.abspath(p) for p in (bundle, cli, work))
    env = prepare(bundle, work)
    failures = []
    cases = [(f"t{bpm}", bpm, None) for bpm in (60, 90, 120, 137)] + [("change", 90, (8, 120))]
    for name, bpm, change in cases:
        got, want = export(env, work, name, bpm, change), reference(cli, work, name, bpm, change)
        rms, corr = compare(got, want)
        bad = misaligned_windows(got[:, 0], want[:, 0], int(SR * 60 / bpm))
        print(f"ardour {name}: {bpm} bpm{' -> %s at beat %s' % (change[1], change[0]) if change else ''}"
              f", rms {rms:.4f}, correlation {corr:.6f}, misaligned beats {len(bad)}")
        if rms < 0.01 or corr < 0.999 or bad:
            failures.append(name)
    if failures:
        print(f"FAILED: {failures}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
