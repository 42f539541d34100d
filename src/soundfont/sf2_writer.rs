//! The SF2 (SoundFont 2.01) file writer behind the generated default font: RIFF chunks,
//! sample headers, instrument and preset zones. Part of [`super`]'s build-time generator, so it
//! uses std only.

use super::RATE;

/// Zero points after each sample's data (SF2 2.01 §7.10).
const TAIL_ZEROS: usize = 46;

/// One sample header's worth of data.
pub(super) struct SampleDef {
    pub name: String,
    pub data: Vec<i16>,
    /// Loop start and end, relative to the sample's first point.
    pub looped: Option<(u32, u32)>,
    pub root: u8,
    pub correction_cents: i8,
}

/// SF2 generator operators used here (SF2 2.01 §8.1.2).
pub(super) mod op {
    pub const CHORUS_SEND: u16 = 15;
    pub const REVERB_SEND: u16 = 16;
    pub const PAN: u16 = 17;
    pub const ATTACK_VOL_ENV: u16 = 34;
    pub const HOLD_VOL_ENV: u16 = 35;
    pub const DECAY_VOL_ENV: u16 = 36;
    pub const SUSTAIN_VOL_ENV: u16 = 37;
    pub const RELEASE_VOL_ENV: u16 = 38;
    pub const INSTRUMENT: u16 = 41;
    pub const KEY_RANGE: u16 = 43;
    pub const INITIAL_ATTENUATION: u16 = 48;
    pub const SAMPLE_ID: u16 = 53;
    pub const SAMPLE_MODES: u16 = 54;
    pub const SCALE_TUNING: u16 = 56;
    pub const EXCLUSIVE_CLASS: u16 = 57;
    pub const OVERRIDING_ROOT_KEY: u16 = 58;
}

pub(super) fn timecents(seconds: f64) -> u16 {
    if seconds <= 0.0 {
        (-12000i16) as u16
    } else {
        ((1200.0 * seconds.log2()).round().clamp(-12000.0, 8000.0) as i16) as u16
    }
}

pub(super) fn range(lo: u8, hi: u8) -> u16 {
    lo as u16 | (hi as u16) << 8
}

pub(super) type Gen = (u16, u16);

pub(super) struct Zone {
    pub gens: Vec<Gen>,
}

pub(super) struct InstrumentDef {
    pub name: String,
    pub zones: Vec<Zone>,
}

pub(super) struct PresetDef {
    pub name: String,
    pub program: u16,
    pub bank: u16,
    pub instrument: u16,
}

/// Little RIFF writer: chunks are id + little-endian size + data, padded to even length.
fn chunk(id: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + 9);
    out.extend_from_slice(id);
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out.extend_from_slice(data);
    if data.len() % 2 == 1 {
        out.push(0);
    }
    out
}

/// An INFO text as SoundFont 2.01 (section 5.1) wants it: zero-terminated and padded with
/// zeros to an even size that counts the padding (FluidSynth refuses an odd one).
fn info_text(text: &str) -> Vec<u8> {
    let mut bytes = text.as_bytes().to_vec();
    bytes.push(0);
    if bytes.len() % 2 == 1 {
        bytes.push(0);
    }
    bytes
}

fn list(kind: &[u8; 4], chunks: &[Vec<u8>]) -> Vec<u8> {
    let mut data = kind.to_vec();
    for c in chunks {
        data.extend_from_slice(c);
    }
    chunk(b"LIST", &data)
}

fn name20(name: &str) -> [u8; 20] {
    let mut out = [0u8; 20];
    for (o, b) in out.iter_mut().zip(name.bytes()) {
        *o = b;
    }
    out
}

pub(super) fn write_sf2(
    samples: &[SampleDef],
    instruments: &[InstrumentDef],
    presets: &[PresetDef],
) -> Vec<u8> {
    // sdta: all samples back to back, each followed by 46 zero points.
    let mut smpl: Vec<u8> = Vec::new();
    let mut shdr: Vec<u8> = Vec::new();
    let mut offset = 0u32;
    for s in samples {
        for v in &s.data {
            smpl.extend_from_slice(&v.to_le_bytes());
        }
        smpl.resize(smpl.len() + TAIL_ZEROS * 2, 0);
        let start = offset;
        let end = start + s.data.len() as u32;
        let (ls, le) = s
            .looped
            .map_or((start, end), |(a, b)| (start + a, start + b));
        shdr.extend_from_slice(&name20(&s.name));
        for v in [start, end, ls, le, RATE] {
            shdr.extend_from_slice(&v.to_le_bytes());
        }
        shdr.push(s.root);
        shdr.push(s.correction_cents as u8);
        shdr.extend_from_slice(&0u16.to_le_bytes());
        shdr.extend_from_slice(&1u16.to_le_bytes()); // monoSample
        offset = end + TAIL_ZEROS as u32;
    }
    shdr.extend_from_slice(&name20("EOS"));
    shdr.resize(shdr.len() + 26, 0);

    // Instruments: inst/ibag/igen (+ empty imod).
    let (mut inst, mut ibag, mut igen) = (Vec::new(), Vec::new(), Vec::new());
    let (mut bag_count, mut gen_count) = (0u16, 0u16);
    for i in instruments {
        inst.extend_from_slice(&name20(&i.name));
        inst.extend_from_slice(&bag_count.to_le_bytes());
        for z in &i.zones {
            ibag.extend_from_slice(&gen_count.to_le_bytes());
            ibag.extend_from_slice(&0u16.to_le_bytes());
            for &(o, a) in &z.gens {
                igen.extend_from_slice(&o.to_le_bytes());
                igen.extend_from_slice(&a.to_le_bytes());
                gen_count += 1;
            }
            bag_count += 1;
        }
    }
    inst.extend_from_slice(&name20("EOI"));
    inst.extend_from_slice(&bag_count.to_le_bytes());
    ibag.extend_from_slice(&gen_count.to_le_bytes());
    ibag.extend_from_slice(&0u16.to_le_bytes());
    igen.extend_from_slice(&[0u8; 4]);

    // Presets: phdr/pbag/pgen (+ empty pmod), one zone each pointing at its instrument.
    let (mut phdr, mut pbag, mut pgen) = (Vec::new(), Vec::new(), Vec::new());
    for (n, p) in presets.iter().enumerate() {
        phdr.extend_from_slice(&name20(&p.name));
        phdr.extend_from_slice(&p.program.to_le_bytes());
        phdr.extend_from_slice(&p.bank.to_le_bytes());
        phdr.extend_from_slice(&(n as u16).to_le_bytes());
        phdr.extend_from_slice(&[0u8; 12]);
        pbag.extend_from_slice(&(n as u16).to_le_bytes());
        pbag.extend_from_slice(&0u16.to_le_bytes());
        pgen.extend_from_slice(&op::INSTRUMENT.to_le_bytes());
        pgen.extend_from_slice(&p.instrument.to_le_bytes());
    }
    phdr.extend_from_slice(&name20("EOP"));
    phdr.extend_from_slice(&0u16.to_le_bytes());
    phdr.extend_from_slice(&0u16.to_le_bytes());
    phdr.extend_from_slice(&(presets.len() as u16).to_le_bytes());
    phdr.extend_from_slice(&[0u8; 12]);
    pbag.extend_from_slice(&(presets.len() as u16).to_le_bytes());
    pbag.extend_from_slice(&0u16.to_le_bytes());
    pgen.extend_from_slice(&[0u8; 4]);

    let mut ifil = Vec::new();
    ifil.extend_from_slice(&2u16.to_le_bytes());
    ifil.extend_from_slice(&1u16.to_le_bytes());
    let info = list(
        b"INFO",
        &[
            chunk(b"ifil", &ifil),
            chunk(b"isng", &info_text("EMU8000")),
            chunk(b"INAM", &info_text("scamp General MIDI")),
            chunk(
                b"ICMT",
                &info_text("Synthesized by the scamp crate's own code."),
            ),
        ],
    );
    let sdta = list(b"sdta", &[chunk(b"smpl", &smpl)]);
    let pdta = list(
        b"pdta",
        &[
            chunk(b"phdr", &phdr),
            chunk(b"pbag", &pbag),
            chunk(b"pmod", &[0u8; 10]),
            chunk(b"pgen", &pgen),
            chunk(b"inst", &inst),
            chunk(b"ibag", &ibag),
            chunk(b"imod", &[0u8; 10]),
            chunk(b"igen", &igen),
            chunk(b"shdr", &shdr),
        ],
    );
    let mut body = b"sfbk".to_vec();
    body.extend_from_slice(&info);
    body.extend_from_slice(&sdta);
    body.extend_from_slice(&pdta);
    chunk(b"RIFF", &body)
}
