"""Reading WAV files (16/24/32-bit integer and 32-bit float) and comparing renders: what the
host tests share."""
import struct

import numpy as np


def read_wav(path):
    """(sample rate, float array of shape (frames, channels))."""
    data = open(path, "rb").read()
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise ValueError(f"{path}: not a WAV file")
    pos, fmt, frames = 12, None, None
    while pos + 8 <= len(data):
        cid, size = data[pos:pos + 4], struct.unpack("<I", data[pos + 4:pos + 8])[0]
        body = data[pos + 8:pos + 8 + size]
        if cid == b"fmt ":
            tag, channels, rate = struct.unpack("<HHI", body[:8])
            bits = struct.unpack("<H", body[14:16])[0]
            if tag == 0xFFFE:  # WAVE_FORMAT_EXTENSIBLE: the sub-format's first two bytes
                tag = struct.unpack("<H", body[24:26])[0]
            fmt = (tag, channels, rate, bits)
        elif cid == b"data":
            frames = body
        pos += 8 + size + (size & 1)
    if fmt is None or frames is None:
        raise ValueError(f"{path}: no fmt or data chunk")
    tag, channels, rate, bits = fmt
    if tag == 3 and bits == 32:
        a = np.frombuffer(frames, dtype="<f4").astype(np.float64)
    elif tag == 1 and bits == 16:
        a = np.frombuffer(frames, dtype="<i2") / 32768.0
    elif tag == 1 and bits == 32:
        a = np.frombuffer(frames, dtype="<i4") / 2.0**31
    elif tag == 1 and bits == 24:
        b = np.frombuffer(frames, dtype=np.uint8).reshape(-1, 3).astype(np.int32)
        v = b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16)
        a = np.where(v >= 1 << 23, v - (1 << 24), v) / 2.0**23
    else:
        raise ValueError(f"{path}: unsupported WAV format {tag} with {bits} bits")
    return rate, a.reshape(-1, channels)


def correlation(a, b):
    """Pearson correlation of two signals over their common length."""
    n = min(len(a), len(b))
    a, b = a[:n] - a[:n].mean(), b[:n] - b[:n].mean()
    denominator = np.sqrt((a * a).sum() * (b * b).sum())
    return float((a * b).sum() / denominator) if denominator > 0 else 0.0


def onsets(signal, hop=64, rise=4.0, floor=1e-4):
    """Samples (multiples of `hop`) where the energy of a hop-long frame rises `rise`-fold
    over the previous frame and stands above `floor`: note attacks."""
    frames = len(signal) // hop
    energy = (signal[: frames * hop].reshape(frames, hop) ** 2).mean(axis=1)
    found = []
    for i in range(1, frames):
        if energy[i] > floor * floor and energy[i] > rise * energy[i - 1]:
            if not found or i * hop - found[-1] > 4 * hop:
                found.append(i * hop)
    return found


def off_grid(found, grid, late_by=128):
    """Onsets that do not fall within `late_by` samples after a multiple of `grid` (oxisynth
    starts a note at its next 64-sample chunk; the attack needs a little more to show)."""
    return [s for s in found if not (0 <= s - round(s / grid) * grid <= late_by or
                                     0 <= s - int(s / grid) * grid <= late_by)]


def compare(got, want):
    """(rms of the left channel, the lower correlation of the two channels) of a host's
    stereo render against the reference."""
    rms = float(np.sqrt((got[:, 0] ** 2).mean()))
    return rms, min(correlation(got[:, c], want[:, c]) for c in (0, 1))
