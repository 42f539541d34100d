//! Writes the project's default General-MIDI SoundFont (SF2) from code.
//!
//! The build script compiles this file on its own (std only) to write the font that is
//! embedded in the binary, so every example, test and the plugin make sound on a bare machine.
//! The library compiles it too, for its tests and for [`GM_PROGRAM_NAMES`].
//!
//! Design: every General-MIDI program (bank 0) maps to one of 16 instruments, one per GM
//! family, each with its own waveform and volume envelope. Waveforms are band-limited
//! single-cycle loops built by additive synthesis, one per key range so high notes do not
//! alias; percussion (bank 128, program 0 "Standard") uses synthesized one-shot drums. The
//! output is a pure function of this code: the same bytes on every machine.

#![allow(dead_code)]

use std::f64::consts::PI;

#[path = "sf2_writer.rs"]
mod sf2_writer;

use sf2_writer::{op, range, timecents, write_sf2, InstrumentDef, PresetDef, SampleDef, Zone};

/// The 128 General-MIDI program names, in program order.
pub const GM_PROGRAM_NAMES: [&str; 128] = [
    "Acoustic Grand Piano",
    "Bright Piano",
    "Electric Grand Piano",
    "Honky-tonk Piano",
    "Electric Piano 1",
    "Electric Piano 2",
    "Harpsichord",
    "Clavinet",
    "Celesta",
    "Glockenspiel",
    "Music Box",
    "Vibraphone",
    "Marimba",
    "Xylophone",
    "Tubular Bells",
    "Dulcimer",
    "Drawbar Organ",
    "Percussive Organ",
    "Rock Organ",
    "Church Organ",
    "Reed Organ",
    "Accordion",
    "Harmonica",
    "Tango Accordion",
    "Nylon String Guitar",
    "Steel String Guitar",
    "Jazz Guitar",
    "Clean Guitar",
    "Muted Guitar",
    "Overdriven Guitar",
    "Distortion Guitar",
    "Guitar Harmonics",
    "Acoustic Bass",
    "Fingered Bass",
    "Picked Bass",
    "Fretless Bass",
    "Slap Bass 1",
    "Slap Bass 2",
    "Synth Bass 1",
    "Synth Bass 2",
    "Violin",
    "Viola",
    "Cello",
    "Contrabass",
    "Tremolo Strings",
    "Pizzicato Strings",
    "Orchestral Harp",
    "Timpani",
    "String Ensemble 1",
    "String Ensemble 2",
    "Synth Strings 1",
    "Synth Strings 2",
    "Choir Aahs",
    "Voice Oohs",
    "Synth Voice",
    "Orchestra Hit",
    "Trumpet",
    "Trombone",
    "Tuba",
    "Muted Trumpet",
    "French Horn",
    "Brass Section",
    "Synth Brass 1",
    "Synth Brass 2",
    "Soprano Sax",
    "Alto Sax",
    "Tenor Sax",
    "Baritone Sax",
    "Oboe",
    "English Horn",
    "Bassoon",
    "Clarinet",
    "Piccolo",
    "Flute",
    "Recorder",
    "Pan Flute",
    "Blown Bottle",
    "Shakuhachi",
    "Whistle",
    "Ocarina",
    "Square Lead",
    "Sawtooth Lead",
    "Calliope Lead",
    "Chiff Lead",
    "Charang Lead",
    "Voice Lead",
    "Fifths Lead",
    "Bass and Lead",
    "New Age Pad",
    "Warm Pad",
    "Polysynth Pad",
    "Choir Pad",
    "Bowed Pad",
    "Metallic Pad",
    "Halo Pad",
    "Sweep Pad",
    "Rain",
    "Soundtrack",
    "Crystal",
    "Atmosphere",
    "Brightness",
    "Goblins",
    "Echoes",
    "Sci-fi",
    "Sitar",
    "Banjo",
    "Shamisen",
    "Koto",
    "Kalimba",
    "Bagpipe",
    "Fiddle",
    "Shanai",
    "Tinkle Bell",
    "Agogo",
    "Steel Drums",
    "Woodblock",
    "Taiko Drum",
    "Melodic Tom",
    "Synth Drum",
    "Reverse Cymbal",
    "Guitar Fret Noise",
    "Breath Noise",
    "Seashore",
    "Bird Tweet",
    "Telephone Ring",
    "Helicopter",
    "Applause",
    "Gunshot",
];

/// The name of the percussion preset (bank 128, program 0).
pub const DRUM_KIT_NAME: &str = "Standard Drum Kit";

/// Sample rate of every generated sample.
const RATE: u32 = 44_100;
/// Samples in each waveform loop.
const LOOP_LEN: usize = 4096;
/// Guard points before and after each loop (SF2 2.01 §7.10).
const GUARD: usize = 8;

/// Waveforms, as harmonic amplitudes (index 0 = fundamental).
#[derive(Clone, Copy)]
enum Wave {
    Sine,
    Soft,
    Bright,
    Square,
    Organ,
    Nasal,
    Bell,
    Hollow,
}

const WAVES: [Wave; 8] = [
    Wave::Sine,
    Wave::Soft,
    Wave::Bright,
    Wave::Square,
    Wave::Organ,
    Wave::Nasal,
    Wave::Bell,
    Wave::Hollow,
];

impl Wave {
    fn name(self) -> &'static str {
        match self {
            Wave::Sine => "sine",
            Wave::Soft => "soft",
            Wave::Bright => "bright",
            Wave::Square => "square",
            Wave::Organ => "organ",
            Wave::Nasal => "nasal",
            Wave::Bell => "bell",
            Wave::Hollow => "hollow",
        }
    }

    fn harmonic(self, h: usize) -> f64 {
        let n = h as f64;
        match self {
            Wave::Sine => (h == 1) as u8 as f64,
            Wave::Soft => 1.0 / (n * n),
            Wave::Bright => 1.0 / n,
            Wave::Square => (h % 2) as f64 / n,
            Wave::Organ => match h {
                1 => 1.0,
                2 => 0.7,
                3 => 0.5,
                4 => 0.45,
                6 => 0.3,
                8 => 0.25,
                _ => 0.0,
            },
            Wave::Nasal => {
                if h % 2 == 1 {
                    1.0 / n
                } else {
                    0.3 / n
                }
            }
            Wave::Bell => match h {
                1 => 1.0,
                3 => 0.4,
                5 => 0.25,
                8 => 0.3,
                11 => 0.15,
                _ => 0.0,
            },
            Wave::Hollow => (h % 2) as f64 / (n * n),
        }
    }
}

/// Key ranges with their own band-limited sample: (lowest key, highest key, root key).
const RANGES: [(u8, u8, u8); 3] = [(0, 59, 48), (60, 83, 72), (84, 127, 96)];

/// One of the 16 GM families: waveform and volume envelope.
struct Family {
    name: &'static str,
    wave: Wave,
    attack: f64,
    hold: f64,
    decay: f64,
    /// Sustain level as attenuation in centibels (0 = full, 1440 = silent).
    sustain_cb: i16,
    release: f64,
}

const FAMILIES: [Family; 16] = [
    Family {
        name: "Piano",
        wave: Wave::Bright,
        attack: 0.002,
        hold: 0.0,
        decay: 4.0,
        sustain_cb: 900,
        release: 0.25,
    },
    Family {
        name: "Chromatic Perc",
        wave: Wave::Bell,
        attack: 0.001,
        hold: 0.0,
        decay: 1.8,
        sustain_cb: 1000,
        release: 0.4,
    },
    Family {
        name: "Organ",
        wave: Wave::Organ,
        attack: 0.006,
        hold: 0.0,
        decay: 0.1,
        sustain_cb: 0,
        release: 0.06,
    },
    Family {
        name: "Guitar",
        wave: Wave::Nasal,
        attack: 0.002,
        hold: 0.0,
        decay: 2.2,
        sustain_cb: 1000,
        release: 0.2,
    },
    Family {
        name: "Bass",
        wave: Wave::Soft,
        attack: 0.004,
        hold: 0.0,
        decay: 2.5,
        sustain_cb: 300,
        release: 0.12,
    },
    Family {
        name: "Strings",
        wave: Wave::Bright,
        attack: 0.08,
        hold: 0.0,
        decay: 0.5,
        sustain_cb: 20,
        release: 0.3,
    },
    Family {
        name: "Ensemble",
        wave: Wave::Soft,
        attack: 0.15,
        hold: 0.0,
        decay: 0.5,
        sustain_cb: 20,
        release: 0.4,
    },
    Family {
        name: "Brass",
        wave: Wave::Bright,
        attack: 0.04,
        hold: 0.0,
        decay: 0.3,
        sustain_cb: 40,
        release: 0.12,
    },
    Family {
        name: "Reed",
        wave: Wave::Nasal,
        attack: 0.025,
        hold: 0.0,
        decay: 0.3,
        sustain_cb: 20,
        release: 0.08,
    },
    Family {
        name: "Pipe",
        wave: Wave::Sine,
        attack: 0.03,
        hold: 0.0,
        decay: 0.3,
        sustain_cb: 10,
        release: 0.1,
    },
    Family {
        name: "Synth Lead",
        wave: Wave::Square,
        attack: 0.005,
        hold: 0.0,
        decay: 0.2,
        sustain_cb: 30,
        release: 0.08,
    },
    Family {
        name: "Synth Pad",
        wave: Wave::Hollow,
        attack: 0.35,
        hold: 0.0,
        decay: 1.0,
        sustain_cb: 30,
        release: 0.8,
    },
    Family {
        name: "Synth Effects",
        wave: Wave::Bright,
        attack: 0.2,
        hold: 0.0,
        decay: 1.5,
        sustain_cb: 100,
        release: 0.6,
    },
    Family {
        name: "Ethnic",
        wave: Wave::Nasal,
        attack: 0.003,
        hold: 0.0,
        decay: 1.6,
        sustain_cb: 600,
        release: 0.2,
    },
    Family {
        name: "Percussive",
        wave: Wave::Bell,
        attack: 0.001,
        hold: 0.0,
        decay: 0.6,
        sustain_cb: 1440,
        release: 0.15,
    },
    Family {
        name: "Sound Effects",
        wave: Wave::Hollow,
        attack: 0.05,
        hold: 0.0,
        decay: 1.0,
        sustain_cb: 200,
        release: 0.3,
    },
];

/// Synthesized one-shot drums: (name, kind, keys they answer).
#[derive(Clone, Copy)]
enum Drum {
    Kick,
    Snare,
    ClosedHat,
    OpenHat,
    Tom,
    Cymbal,
    Click,
}

const DRUMS: [(Drum, &str); 7] = [
    (Drum::Kick, "kick"),
    (Drum::Snare, "snare"),
    (Drum::ClosedHat, "closed hat"),
    (Drum::OpenHat, "open hat"),
    (Drum::Tom, "tom"),
    (Drum::Cymbal, "cymbal"),
    (Drum::Click, "click"),
];

/// Which drum sound each GM percussion key plays (keys 27–87; others play a click).
fn drum_for_key(key: u8) -> Drum {
    match key {
        35 | 36 => Drum::Kick,
        37..=40 => Drum::Snare,
        42 | 44 => Drum::ClosedHat,
        46 => Drum::OpenHat,
        41 | 43 | 45 | 47 | 48 | 50 => Drum::Tom,
        49 | 51 | 52 | 53 | 55 | 57 | 59 => Drum::Cymbal,
        _ => Drum::Click,
    }
}

/// A deterministic noise source (xorshift), so the font is the same bytes everywhere.
struct Noise(u32);

impl Noise {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 17;
        self.0 ^= self.0 << 5;
        self.0 as f64 / u32::MAX as f64 * 2.0 - 1.0
    }
}

fn drum_samples(drum: Drum) -> Vec<f64> {
    let len_s = match drum {
        Drum::Kick => 0.45,
        Drum::Snare => 0.3,
        Drum::ClosedHat => 0.12,
        Drum::OpenHat => 0.5,
        Drum::Tom => 0.45,
        Drum::Cymbal => 1.4,
        Drum::Click => 0.05,
    };
    let n = (len_s * RATE as f64) as usize;
    let mut noise = Noise(0x9E37_79B9 ^ drum as u32);
    let mut phase = 0.0f64;
    let mut lowpassed = 0.0f64;
    (0..n)
        .map(|i| {
            let t = i as f64 / RATE as f64;
            let nz = noise.next();
            match drum {
                Drum::Kick => {
                    let f = 45.0 + 110.0 * (-t * 30.0).exp();
                    phase += 2.0 * PI * f / RATE as f64;
                    phase.sin() * (-t * 7.0).exp()
                }
                Drum::Tom => {
                    let f = 110.0 + 60.0 * (-t * 20.0).exp();
                    phase += 2.0 * PI * f / RATE as f64;
                    phase.sin() * (-t * 8.0).exp()
                }
                Drum::Snare => {
                    phase += 2.0 * PI * 190.0 / RATE as f64;
                    (0.4 * phase.sin() * (-t * 25.0).exp()) + 0.6 * nz * (-t * 14.0).exp()
                }
                Drum::ClosedHat | Drum::OpenHat | Drum::Cymbal => {
                    // High-passed noise: the noise minus a one-pole low-pass of it.
                    lowpassed += 0.15 * (nz - lowpassed);
                    let decay = match drum {
                        Drum::ClosedHat => 40.0,
                        Drum::OpenHat => 7.0,
                        _ => 2.5,
                    };
                    0.7 * (nz - lowpassed) * (-t * decay).exp()
                }
                Drum::Click => nz * (-t * 120.0).exp(),
            }
        })
        .collect()
}

/// A band-limited loop of `wave` for notes around `root`: an integer number of cycles in
/// `LOOP_LEN` points, tuned with the header's root key and cents correction.
fn wave_sample(wave: Wave, root: u8, highest_key: u8) -> SampleDef {
    let root_hz = 440.0 * 2f64.powf((root as f64 - 69.0) / 12.0);
    let cycles = (LOOP_LEN as f64 * root_hz / RATE as f64).round().max(1.0) as usize;
    let actual_hz = cycles as f64 * RATE as f64 / LOOP_LEN as f64;
    let actual_key = 69.0 + 12.0 * (actual_hz / 440.0).log2();
    let correction = ((root as f64 - actual_key) * 100.0).round() as i8;
    // Keep every harmonic below Nyquist even at the range's highest key.
    let top_hz = 440.0 * 2f64.powf((highest_key as f64 - 69.0) / 12.0);
    let max_harmonic = ((RATE as f64 / 2.0 * 0.9) / top_hz).floor().max(1.0) as usize;
    let mut cycle = vec![0.0f64; LOOP_LEN];
    for h in 1..=max_harmonic.min(64) {
        let a = wave.harmonic(h);
        if a == 0.0 {
            continue;
        }
        for (i, v) in cycle.iter_mut().enumerate() {
            *v += a * (2.0 * PI * (h * cycles * i) as f64 / LOOP_LEN as f64).sin();
        }
    }
    let peak = cycle.iter().fold(0.0f64, |m, v| m.max(v.abs())).max(1e-9);
    let to_i16 = |v: f64| (v / peak * 0.5 * 32767.0).round() as i16;
    let mut data = Vec::with_capacity(LOOP_LEN + 2 * GUARD);
    data.extend(cycle[LOOP_LEN - GUARD..].iter().map(|&v| to_i16(v)));
    data.extend(cycle.iter().map(|&v| to_i16(v)));
    data.extend(cycle[..GUARD].iter().map(|&v| to_i16(v)));
    SampleDef {
        name: format!("{} {}", wave.name(), root),
        data,
        looped: Some((GUARD as u32, (GUARD + LOOP_LEN) as u32)),
        root,
        correction_cents: correction,
    }
}

/// The default SoundFont, as the bytes of an SF2 file.
pub fn default_soundfont_bytes() -> Vec<u8> {
    let mut samples: Vec<SampleDef> = Vec::new();
    // Waveform samples: index = wave * RANGES.len() + range.
    for wave in WAVES {
        for &(_, hi, root) in &RANGES {
            samples.push(wave_sample(wave, root, hi));
        }
    }
    let wave_index = |wave: Wave| WAVES.iter().position(|w| w.name() == wave.name()).unwrap();
    let drum_base = samples.len();
    for (drum, name) in DRUMS {
        let data = drum_samples(drum);
        let peak = data.iter().fold(0.0f64, |m, v| m.max(v.abs())).max(1e-9);
        samples.push(SampleDef {
            name: name.to_string(),
            data: data
                .iter()
                .map(|v| (v / peak * 0.6 * 32767.0).round() as i16)
                .collect(),
            looped: None,
            root: 60,
            correction_cents: 0,
        });
    }

    let mut instruments: Vec<InstrumentDef> = Vec::new();
    for fam in &FAMILIES {
        let w = wave_index(fam.wave);
        let zones = RANGES
            .iter()
            .enumerate()
            .map(|(r, &(lo, hi, _))| Zone {
                gens: vec![
                    (op::KEY_RANGE, range(lo, hi)),
                    (op::ATTACK_VOL_ENV, timecents(fam.attack)),
                    (op::HOLD_VOL_ENV, timecents(fam.hold)),
                    (op::DECAY_VOL_ENV, timecents(fam.decay)),
                    (op::SUSTAIN_VOL_ENV, fam.sustain_cb as u16),
                    (op::RELEASE_VOL_ENV, timecents(fam.release)),
                    (op::REVERB_SEND, 250),
                    (op::CHORUS_SEND, 30),
                    (op::SAMPLE_MODES, 1),
                    (op::SAMPLE_ID, (w * RANGES.len() + r) as u16),
                ],
            })
            .collect();
        instruments.push(InstrumentDef {
            name: fam.name.to_string(),
            zones,
        });
    }
    // The drum kit: one zone per key, each with its sound at its natural pitch.
    let kit_zones = (27u8..=87)
        .map(|key| {
            let drum = drum_for_key(key);
            let sample = drum_base
                + DRUMS
                    .iter()
                    .position(|(d, _)| *d as u8 == drum as u8)
                    .unwrap();
            // Toms are pitched (lower keys, lower drums); every other drum sounds the same
            // whatever its key.
            let tom = matches!(drum, Drum::Tom);
            let mut gens = vec![
                (op::KEY_RANGE, range(key, key)),
                (op::OVERRIDING_ROOT_KEY, if tom { 45 } else { key as u16 }),
                (op::SCALE_TUNING, if tom { 50 } else { 0 }),
                (op::RELEASE_VOL_ENV, timecents(1.0)),
                (op::SAMPLE_MODES, 0),
                (op::PAN, ((key as i16 - 57) * 8) as u16),
            ];
            if matches!(drum, Drum::ClosedHat | Drum::OpenHat) {
                // An open hi-hat is cut off by a closed one.
                gens.push((op::EXCLUSIVE_CLASS, 1));
            }
            gens.push((op::INITIAL_ATTENUATION, 20));
            gens.push((op::REVERB_SEND, 150));
            gens.push((op::SAMPLE_ID, sample as u16));
            Zone { gens }
        })
        .collect();
    instruments.push(InstrumentDef {
        name: "Drums".into(),
        zones: kit_zones,
    });

    let mut presets: Vec<PresetDef> = GM_PROGRAM_NAMES
        .iter()
        .enumerate()
        .map(|(p, name)| PresetDef {
            name: name.to_string(),
            program: p as u16,
            bank: 0,
            instrument: (p / 8) as u16,
        })
        .collect();
    presets.push(PresetDef {
        name: DRUM_KIT_NAME.into(),
        program: 0,
        bank: 128,
        instrument: 16,
    });

    write_sf2(&samples, &instruments, &presets)
}
