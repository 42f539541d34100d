#!/usr/bin/env bash
# Installs what building the project needs on Debian (system packages via apt-get, only the
# missing ones) and checks for a Rust toolchain. Safe to run again.
set -euo pipefail

# fluidr3mono-gm-soundfont: a real compressed .sf3 font, which the tests check is refused with
# a clear error (the SF2 parser would panic on it). timgm6mb-soundfont: a third-party SF2 that
# the SoundFont checks must accept (and the General-MIDI font found first when installed).
# python3 + python3-venv: the VST3 is also tested in minihost, a PyPI plugin host.
# jackd2: real MIDI ports for the tests (a JACK server with the dummy driver).
# libx11-dev + libxtst-dev: keyboard and mouse listeners (X11 and its RECORD extension).
# xvfb + xdotool: the keyboard and mouse tests type and click on a private X server.
# libgl1-mesa-dri + libx11-xcb1 + libxcursor1: the plugin's window (OpenGL through Mesa's
# software renderer under Xvfb).
packages=(build-essential pkg-config libasound2-dev libjack-jackd2-dev libx11-dev libxi-dev libxtst-dev
  fluidr3mono-gm-soundfont timgm6mb-soundfont python3 python3-venv jackd2 xvfb xdotool
  libgl1-mesa-dri libx11-xcb1 libxcursor1)
# ardour: the VST3 is exported from a real Ardour 7 session (headless, ardour7-lua); without
# its recommends (a desktop's worth of packages). imagemagick: the editor test's screenshots
# (import) and scaling a picture for OCR; tesseract-ocr: reads the piano roll's legend back;
# fluidsynth: plays the exported built-in font, and the peer in `scamp bench render`.
# musescore3: imports the MusicXML we write and exports it to PDF (headless, Qt offscreen).
# lilypond: compiles the LilyPond we write (every file without a warning), and the second
# engraver behind --score-pdf / --score-png.
lean=(ardour imagemagick tesseract-ocr tesseract-ocr-eng fluidsynth musescore3 lilypond)
missing() {
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"
  done
}
mapfile -t missing < <(missing "${packages[@]}")
mapfile -t missing_lean < <(missing "${lean[@]}")
if [ ${#missing[@]} -gt 0 ] || [ ${#missing_lean[@]} -gt 0 ]; then
  echo "Installing system packages: ${missing[*]} ${missing_lean[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  if [ ${#missing[@]} -gt 0 ]; then
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  if [ ${#missing_lean[@]} -gt 0 ]; then
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends \
      "${missing_lean[@]}" >/dev/null
  fi
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "cargo not found: install Rust from https://rustup.rs (rustup), then run this again." >&2
  exit 1
fi

# SCAMP 0.13 itself (PyPI), the oracle the tests hold our files against: a venv in
# target/scamp-venv made with the first Python >= 3.12 found (on PATH, or installed by pyenv).
# Without one, or without PyPI, the SCAMP checks say so and are skipped.
root="$(cd "$(dirname "$0")/.." && pwd)"
scamp_venv="$root/target/scamp-venv"
if ! "$scamp_venv/bin/python" -c 'import scamp' >/dev/null 2>&1; then
  python_for_scamp=""
  for candidate in python3.13 python3.12 "$HOME"/.pyenv/versions/3.1[2-9]*/bin/python3 python3; do
    if "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then
      python_for_scamp="$candidate"
      break
    fi
  done
  if [ -z "$python_for_scamp" ]; then
    echo "No Python >= 3.12 found: SCAMP 0.13 cannot be installed, the SCAMP checks are skipped"
  else
    rm -rf "$scamp_venv"
    mkdir -p "$root/target"
    if "$python_for_scamp" -m venv "$scamp_venv" >/dev/null 2>&1 &&
      "$scamp_venv/bin/python" -m pip install -q --disable-pip-version-check scamp==0.13.0 >/dev/null 2>&1 &&
      "$scamp_venv/bin/python" -c 'import scamp' >/dev/null 2>&1; then
      echo "SCAMP 0.13 installed in $scamp_venv ($("$scamp_venv/bin/python" --version))"
    else
      rm -rf "$scamp_venv"
      echo "SCAMP 0.13 could not be installed from PyPI: the SCAMP checks are skipped"
    fi
  fi
fi
# music21 (PyPI), an independent reader of the MusicXML we write, in the same venv.
if "$scamp_venv/bin/python" -c 'import scamp' >/dev/null 2>&1 &&
  ! "$scamp_venv/bin/python" -c 'import music21' >/dev/null 2>&1; then
  if "$scamp_venv/bin/python" -m pip install -q --disable-pip-version-check music21==10.5.1 >/dev/null 2>&1; then
    echo "music21 10.5.1 installed in $scamp_venv"
  else
    echo "music21 could not be installed from PyPI: the MusicXML reading checks are skipped"
  fi
fi
