"""The VST3's saved state in Ardour 7: a session with the plugin is made and saved by Ardour;
its plugin state is replaced by the state the plugin saved after a Performance file and a
SoundFont were chosen in its window (the CLAP editor test writes it, driving the window with
xdotool); Ardour reopens the session and exports it. The export must be the chosen
performance on the chosen font: equal (correlation >= 0.999) to `scamp host --performance P
--soundfont F`, the project's exact render of that piece.

The state goes into Ardour's session as a VST3 preset chunk (Steinberg's format: a `VST3`
header with the class id and the offset of a chunk list, the component state, and the list:
`Comp` and `Cont` with their offsets and sizes); the host-automatable *Piece* parameter's
saved value goes with it, as Ardour keeps parameters beside the chunk.

Usage: ardour_state.py PATH/scamp.vst3 PATH/scamp-cli STATE WORK_DIR (STATE: the plugin's JSON
state, or a CLAP state stream of it)
"""
import base64
import json
import os
import re
import struct
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from ardour_vst3 import SECONDS, SR, export, prepare  # noqa: E402
from audio import compare, read_wav  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
BPM = 90


def preset_chunk(old_chunk, component_state):
    """Ardour's base64 chunk with its component state replaced by `component_state`."""
    old = base64.b64decode(old_chunk)
    if old[:4] != b"VST3":
        raise ValueError(f"not a VST3 preset chunk: {old[:16]!r}")
    class_id = old[8:40]
    list_at = 48 + len(component_state)
    return base64.b64encode(
        b"VST3" + struct.pack("<i", 1) + class_id + struct.pack("<q", list_at) + component_state
        + b"List" + struct.pack("<i", 2)
        + b"Comp" + struct.pack("<qq", 48, len(component_state))
        + b"Cont" + struct.pack("<qq", list_at, 0)).decode()


def put_state(session_file, state):
    """Writes `state` (the plugin's JSON state) into the saved session's scamp processor."""
    with open(session_file) as f:
        xml = f.read()
    processor = re.search(r'<Processor [^>]*name="scamp"[^>]*type="vst3".*?</Processor>', xml,
                          re.S)
    if not processor:
        raise ValueError(f"no scamp VST3 processor in {session_file}")
    block = processor.group(0)
    chunk = re.search(r"<chunk>(.*?)</chunk>", block, re.S)
    new = block.replace(chunk.group(0), f"<chunk>{preset_chunk(chunk.group(1), state)}</chunk>")
    piece = json.loads(state)["params"]["piece"]["i32"]
    # The first port and the controllable of parameter 0 are the Piece parameter.
    new = re.sub(r'(<Port id="\d+" value=")[^"]*(")', rf"\g<1>{piece}\g<2>", new, count=1)
    new = re.sub(r'(<Controllable name="Piece"[^>]*value=")[^"]*(")', rf"\g<1>{piece}\g<2>", new)
    with open(session_file, "w") as f:
        f.write(xml.replace(block, new))


def reopen_and_export(env, work, name):
    out_name = name + "-reopened"
    out = os.path.join(work, "out", out_name + ".wav")
    run_env = dict(env, SESS_DIR=os.path.join(work, name), SESS_NAME=name, OUT_NAME=out_name,
                   OUT_DIR=os.path.join(work, "out"), SECS=str(SECONDS))
    for attempt in range(3):
        if os.path.exists(out):
            os.remove(out)
        r = subprocess.run(["ardour7-lua", os.path.join(HERE, "ardour_reopen.lua")],
                           env=run_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=180)
        log = r.stdout.decode(errors="replace")
        # As in ardour_vst3.py: Ardour may crash tearing the session down after the export.
        if "export result: true" in log and os.path.exists(out):
            return read_wav(out)[1]
        print(f"ardour: reopening, attempt {attempt + 1} failed ({r.returncode}): {log[-400:]}")
    raise RuntimeError("Ardour did not export the reopened session")


def main(bundle, cli, state_file, work):
    bundle, cli, state_file, work = (os.path.abspath(p)
                                     for p in (bundle, cli, state_file, work))
    if not os.path.exists(state_file):
        print(f"FAILED: no {state_file} (the CLAP editor test writes it: cargo test -p "
              "scamp-plugin --test clap_editor)")
        return 1
    with open(state_file, "rb") as f:
        state = f.read()
    if not state.startswith(b"{"):
        # A CLAP state stream: the JSON after its 8-byte length (little-endian).
        (length,) = struct.unpack("<Q", state[:8])
        state = state[8:8 + length]
    fields = json.loads(state)["fields"]
    performance = json.loads(fields["performance-file"])
    soundfont = json.loads(fields["soundfont-file"])
    env = prepare(bundle, work)
    name = "state"
    export(env, work, name, BPM)  # made and saved by Ardour, playing the default piece
    put_state(os.path.join(work, name, name + ".ardour"), state)
    got = reopen_and_export(env, work, name)
    ref = os.path.join(work, "out", name + "-ref.wav")
    subprocess.run([cli, "host", "--performance", performance, "--soundfont", soundfont,
                    "--tempo", str(BPM), "--seconds", str(SECONDS), "--sample-rate", str(SR),
                    "--block-size", "512", "--render", ref], check=True,
                   stdout=subprocess.DEVNULL)
    want = read_wav(ref)[1]
    rms, corr = compare(got, want)
    print(f"ardour reopened with the window's choices ({os.path.basename(performance)} on "
          f"{os.path.basename(soundfont)}): rms {rms:.4f}, correlation {corr:.6f}")
    if rms < 0.01 or corr < 0.999:
        print("FAILED: the reopened session does not play the chosen performance and font")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:5]))
