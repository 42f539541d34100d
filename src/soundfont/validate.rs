//! Checks a parsed SF2 against the data it indexes, before any synth sees it.
//!
//! oxisynth trusts a font's numbers: a sample header whose points lie past the sample data
//! loads and then panics when a note renders (on the audio side), and a zone naming a sample
//! or instrument that does not exist panics while loading. So every sample header, every
//! instrument zone's sample and every preset zone's instrument is checked here, and the first
//! defect becomes an error naming it. What oxisynth already keeps in range by itself (the
//! sample offset generators, which a voice clamps to its sample's points; loops outside their
//! sample, likewise) is left alone, so real fonts with such sloppiness still play.
//!
//! Pure function of the parsed font; any thread.

use soundfont::SoundFont2;

/// What is wrong with a file's bytes before any parser reads them, in words: not a RIFF file
/// (a text file, say), a RIFF file of another kind, a truncated file, or a compressed SF3
/// (which the synth cannot play). `None` when it looks like an SF2 worth parsing.
pub(crate) fn header_problem(bytes: &[u8]) -> Option<String> {
    if bytes.len() < 12 || &bytes[0..4] != b"RIFF" {
        let head = &bytes[..bytes.len().min(512)];
        let text = !head.is_empty()
            && std::str::from_utf8(head)
                .is_ok_and(|s| s.chars().all(|c| !c.is_control() || c.is_whitespace()));
        return Some(if bytes.is_empty() {
            "the file is empty".into()
        } else if text {
            "it is a text file, not a SoundFont".into()
        } else {
            "it is not a SoundFont (it does not start with a RIFF header)".into()
        });
    }
    let kind = &bytes[8..12];
    if kind != b"sfbk" {
        return Some(format!(
            "it is a RIFF file of type '{}', not a SoundFont ('sfbk')",
            String::from_utf8_lossy(kind)
        ));
    }
    let declared = u32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]) as u64 + 8;
    if declared > bytes.len() as u64 {
        return Some(format!(
            "it is truncated: its header says {declared} bytes, the file has {}",
            bytes.len()
        ));
    }
    // The version (ifil) in the INFO list: SoundFont 3 is SF2 with compressed samples.
    let info = &bytes[12..bytes.len().min(4096)];
    if let Some(at) = info.windows(4).position(|w| w == b"ifil") {
        let v = &info[at + 8..];
        if v.len() >= 2 && u16::from_le_bytes([v[0], v[1]]) >= 3 {
            return Some(
                "it is a compressed SoundFont 3 (.sf3), which the synth cannot play: convert it \
                 to .sf2 (Polyphone or sf3convert can)"
                    .into(),
            );
        }
    }
    None
}

/// The first defect of `sf`, described for a user, or `None` if a synth can play it.
pub(crate) fn defect(sf: &SoundFont2) -> Option<String> {
    let Some(smpl) = sf.sample_data.smpl else {
        return Some("it has no sample data (no smpl chunk)".into());
    };
    // 16-bit points.
    let points = u64::from(smpl.len / 2);
    for (i, h) in sf.sample_headers.iter().enumerate() {
        if h.sample_type.is_rom() {
            // Never played (oxisynth ignores ROM samples).
            continue;
        }
        let name = h.name.trim_end_matches('\0').trim();
        let what = || format!("sample header {i} ('{name}')");
        let (start, end) = (u64::from(h.start), u64::from(h.end));
        if start > end {
            return Some(format!(
                "{}: starts at point {start}, after its end {end}",
                what()
            ));
        }
        if end >= points {
            return Some(format!(
                "{}: ends at point {end}, but the sample data has {points} points",
                what()
            ));
        }
        let (loop_start, loop_end) = (u64::from(h.loop_start), u64::from(h.loop_end));
        if loop_start > loop_end || loop_end > points {
            return Some(format!(
                "{}: its loop ({loop_start} to {loop_end}) lies outside the sample data ({points} points)",
                what()
            ));
        }
    }
    for (i, instrument) in sf.instruments.iter().enumerate() {
        for (z, zone) in instrument.zones.iter().enumerate() {
            if let Some(&sample) = zone.sample() {
                if usize::from(sample) >= sf.sample_headers.len() {
                    return Some(format!(
                        "instrument {i} ('{}') zone {z}: sample {sample} does not exist ({} samples)",
                        instrument.header.name.trim(),
                        sf.sample_headers.len()
                    ));
                }
            }
        }
    }
    for (i, preset) in sf.presets.iter().enumerate() {
        for (z, zone) in preset.zones.iter().enumerate() {
            if let Some(&instrument) = zone.instrument() {
                if usize::from(instrument) >= sf.instruments.len() {
                    return Some(format!(
                        "preset {i} ('{}') zone {z}: instrument {instrument} does not exist ({} instruments)",
                        preset.header.name.trim(),
                        sf.instruments.len()
                    ));
                }
            }
        }
    }
    None
}

/// Copies of the embedded font with one kind of defect, for the tests here and the
/// renderer's.
#[cfg(test)]
pub(crate) mod defective {
    use crate::soundfont::EMBEDDED_SOUNDFONT;

    /// The contents of the first chunk named `id` (position, size).
    fn chunk(font: &[u8], id: &[u8; 4]) -> (usize, usize) {
        let at = font.windows(4).position(|w| w == id).expect("the chunk");
        let size = u32::from_le_bytes(font[at + 4..at + 8].try_into().unwrap()) as usize;
        (at + 8, size)
    }

    /// The embedded font with every sample header (but the terminator) rewritten by `f`
    /// from (start, end, loop start, loop end) and the number of points of sample data.
    pub fn with_sample_points(f: impl Fn([u32; 4], u32) -> [u32; 4]) -> Vec<u8> {
        let mut font = EMBEDDED_SOUNDFONT.to_vec();
        let points = (chunk(&font, b"smpl").1 / 2) as u32;
        let (at, size) = chunk(&font, b"shdr");
        // 46 bytes a header: a 20-byte name, then start, end, loop start, loop end (u32 each).
        for h in font[at..at + size].chunks_mut(46).take(size / 46 - 1) {
            let word = |k: usize| u32::from_le_bytes(h[20 + 4 * k..24 + 4 * k].try_into().unwrap());
            let new = f([word(0), word(1), word(2), word(3)], points);
            for (k, v) in new.into_iter().enumerate() {
                h[20 + 4 * k..24 + 4 * k].copy_from_slice(&v.to_le_bytes());
            }
        }
        font
    }

    /// The embedded font with the first generator `oper` of chunk `id` given `amount`.
    pub fn with_generator(id: &[u8; 4], oper: u16, amount: u16) -> Vec<u8> {
        let mut font = EMBEDDED_SOUNDFONT.to_vec();
        let (at, size) = chunk(&font, id);
        let g = font[at..at + size]
            .chunks_mut(4)
            .find(|g| u16::from_le_bytes([g[0], g[1]]) == oper)
            .expect("the generator");
        g[2..4].copy_from_slice(&amount.to_le_bytes());
        font
    }

    /// Loads and then fails when a note renders, if nothing checks it: every sample lies past
    /// the sample data (its loop inside it, which is all oxisynth looks at while loading).
    pub fn samples_past_the_data() -> Vec<u8> {
        with_sample_points(|_, points| [points + 100, points + 5000, 0, 0])
    }
}

#[cfg(test)]
mod tests {
    use super::defective;
    use crate::soundfont::SoundFontInfo;

    fn resolve_bytes(name: &str, bytes: &[u8]) -> crate::Result<SoundFontInfo> {
        let dir = std::env::temp_dir().join(format!("scamp-validate-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        let result = SoundFontInfo::resolve(path.to_str().unwrap());
        std::fs::remove_file(&path).ok();
        result
    }

    fn refused(name: &str, bytes: &[u8], defect: &str) {
        let err = resolve_bytes(name, bytes).unwrap_err().to_string();
        assert!(err.contains(name), "{err}");
        assert!(err.contains(defect), "{err}");
    }

    #[test]
    fn every_defect_a_synth_would_trip_on_is_an_error_naming_the_file_and_the_defect() {
        refused(
            "past.sf2",
            &defective::samples_past_the_data(),
            "sample header 0 ('",
        );
        refused(
            "one-past.sf2",
            &defective::with_sample_points(|[s, _, ls, le], points| [s, points, ls, le]),
            "but the sample data has",
        );
        refused(
            "backwards.sf2",
            &defective::with_sample_points(|[s, e, ls, le], _| [e, s, ls, le]),
            "after its end",
        );
        refused(
            "loop.sf2",
            &defective::with_sample_points(|[s, e, _, _], points| [s, e, 8, points + 1]),
            "its loop (8 to",
        );
        // igen's sampleID (53) and pgen's instrument (41) pointing nowhere.
        refused(
            "sample-id.sf2",
            &defective::with_generator(b"igen", 53, 60_000),
            "sample 60000 does not exist",
        );
        refused(
            "instrument.sf2",
            &defective::with_generator(b"pgen", 41, 60_000),
            "instrument 60000 does not exist",
        );
    }

    #[test]
    fn fonts_that_are_sound_pass() {
        // The embedded font, the edge of its sample data, and an installed third-party font.
        assert!(resolve_bytes("edge.sf2", &defective::with_sample_points(|p, _| p)).is_ok());
        assert!(SoundFontInfo::resolve("default").is_ok());
        let third_party = "/usr/share/sounds/sf2/TimGM6mb.sf2";
        if std::path::Path::new(third_party).is_file() {
            let font = SoundFontInfo::resolve(third_party).unwrap();
            assert!(font.presets.len() > 100, "{}", font.presets.len());
        } else {
            println!("{third_party} is not installed: that part is skipped");
        }
    }
}
