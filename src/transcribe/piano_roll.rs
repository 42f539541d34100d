//! A piano-roll picture of a [`Performance`] (PNG).
//!
//! Time (beats) runs left to right, pitch bottom to top. Each part has its colour; a note's
//! opacity follows its volume (an envelope fades along the note); a glide is drawn as a curved
//! band following its pitch envelope. Grid: a line every beat (darker every 4), a line at every
//! C (the octave labelled, C4 = middle C), beat numbers along the bottom every 4 beats; under
//! them a legend of the parts' names beside their colours. Drawn pixel by pixel with the
//! built-in [`pixel_font`]s, so it needs no fonts or system libraries.

use super::performance::{Level, NotePitch, Performance};
use super::pixel_font;
use crate::error::{Error, Result};
use std::path::Path;

/// Size settings of [`Performance::piano_roll`].
#[derive(Debug, Clone)]
pub struct PianoRollOptions {
    pub(crate) pixels_per_beat: f64,
    pub(crate) pixels_per_semitone: u32,
}

impl Default for PianoRollOptions {
    fn default() -> Self {
        PianoRollOptions {
            pixels_per_beat: 80.0,
            pixels_per_semitone: 8,
        }
    }
}

impl PianoRollOptions {
    /// The default size: 80 pixels a beat, 8 a semitone.
    pub fn new() -> Self {
        Self::default()
    }
    /// Width of a beat (default 80 pixels).
    pub fn pixels_per_beat(mut self, pixels: f64) -> Self {
        self.pixels_per_beat = pixels;
        self
    }
    /// Height of a semitone row (default 8 pixels).
    pub fn pixels_per_semitone(mut self, pixels: u32) -> Self {
        self.pixels_per_semitone = pixels;
        self
    }
}

/// Part colours (RGB), distinct at a glance; repeated after ten parts.
pub const PALETTE: [[u8; 3]; 10] = [
    [31, 119, 180],
    [255, 127, 14],
    [44, 160, 44],
    [214, 39, 40],
    [148, 103, 189],
    [140, 86, 75],
    [227, 119, 194],
    [127, 127, 127],
    [188, 189, 34],
    [23, 190, 207],
];

/// The picture's background.
pub const BACKGROUND: [u8; 3] = [255, 255, 255];
const MARGIN_LEFT: u32 = 24;
const MARGIN_BOTTOM: u32 = 10;
/// The legend under the roll: rows this high, swatches this wide, entries this far apart.
const LEGEND_ROW: u32 = 12;
const LEGEND_SWATCH: u32 = 7;
const LEGEND_GAP: u32 = 12;
const LEGEND_MARGIN: u32 = 4;
const MAX_SIDE: u32 = 16_000;

/// An RGB picture.
#[derive(Debug)]
pub struct Picture {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Pixels, row by row from the top, three bytes (RGB) each.
    pub rgb: Vec<u8>,
}

impl Picture {
    fn new(width: u32, height: u32) -> Self {
        Picture {
            width,
            height,
            rgb: BACKGROUND
                .iter()
                .copied()
                .cycle()
                .take((width * height * 3) as usize)
                .collect(),
        }
    }

    /// The colour at (`x`, `y`), from the top left.
    pub fn pixel(&self, x: u32, y: u32) -> [u8; 3] {
        let i = ((y * self.width + x) * 3) as usize;
        [self.rgb[i], self.rgb[i + 1], self.rgb[i + 2]]
    }

    /// Blends `color` over pixel (x, y) with opacity `alpha`.
    fn blend(&mut self, x: i64, y: i64, color: [u8; 3], alpha: f64) {
        if x < 0 || y < 0 || x >= self.width as i64 || y >= self.height as i64 {
            return;
        }
        let i = ((y as u32 * self.width + x as u32) * 3) as usize;
        for (px, &target) in self.rgb[i..i + 3].iter_mut().zip(&color) {
            let old = *px as f64;
            *px = (old + (target as f64 - old) * alpha.clamp(0.0, 1.0)).round() as u8;
        }
    }

    fn write_png(&self, path: &Path) -> Result<()> {
        let fail = |e: String| Error::Output {
            what: format!("writing {}", path.display()),
            reason: e,
            source: None,
        };
        let mut out = crate::output_file::OutputFile::create(path)?;
        let mut encoder = png::Encoder::new(out.writer(), self.width, self.height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().map_err(|e| fail(e.to_string()))?;
        writer
            .write_image_data(&self.rgb)
            .map_err(|e| fail(e.to_string()))?;
        writer.finish().map_err(|e| fail(e.to_string()))?;
        out.commit()
    }
}

fn text(pic: &mut Picture, x: i64, y: i64, s: &str, color: [u8; 3]) {
    pixel_font::draw(s, pixel_font::small, |dx, dy| {
        pic.blend(x + dx, y + dy, color, 1.0)
    });
}

/// The legend's rows: for each part, a swatch of its colour and its name, left to right,
/// wrapping at `width`. Returns the (x, row) of each entry and the number of rows.
fn legend_layout(names: &[&str], width: u32) -> (Vec<(u32, u32)>, u32) {
    let mut places = Vec::with_capacity(names.len());
    let (mut x, mut row) = (LEGEND_MARGIN, 0);
    for name in names {
        let entry = LEGEND_SWATCH + 4 + pixel_font::width(name, pixel_font::large);
        if x > LEGEND_MARGIN && x + entry > width.saturating_sub(LEGEND_MARGIN) {
            (x, row) = (LEGEND_MARGIN, row + 1);
        }
        places.push((x, row));
        x += entry + LEGEND_GAP;
    }
    (places, if names.is_empty() { 0 } else { row + 1 })
}

impl Performance {
    /// Draws the piano roll. See the module docs.
    pub fn piano_roll(&self, options: &PianoRollOptions) -> Result<Picture> {
        if !(options.pixels_per_beat > 0.0 && options.pixels_per_beat.is_finite())
            || options.pixels_per_semitone == 0
        {
            return Err(Error::invalid_argument(
                "piano roll size",
                format!(
                    "{} pixels per beat, {} per semitone",
                    options.pixels_per_beat, options.pixels_per_semitone
                ),
                "both must be positive",
            ));
        }
        let notes = self.notes();
        let mut lo = f64::INFINITY;
        let mut hi = f64::NEG_INFINITY;
        let pitch_levels = |p: &NotePitch| -> Vec<Level> {
            match p {
                NotePitch::Single(l) => vec![l.clone()],
                NotePitch::Chord(ls) => ls.clone(),
            }
        };
        for (_, n) in &notes {
            for l in pitch_levels(&n.pitch) {
                let (a, b) = match &l {
                    Level::Value(v) => (*v, *v),
                    Level::Envelope(e) => (e.min_level(), e.max_level()),
                };
                lo = lo.min(a);
                hi = hi.max(b);
            }
        }
        if !lo.is_finite() {
            (lo, hi) = (60.0, 72.0);
        }
        let (low, high) = ((lo - 2.0).floor(), (hi + 3.0).ceil());
        let pps = options.pixels_per_semitone as f64;
        let beats = self.end_beat().max(1.0).ceil();
        let width = (MARGIN_LEFT as f64 + beats * options.pixels_per_beat)
            .ceil()
            .min(MAX_SIDE as f64) as u32
            + 1;
        let names: Vec<&str> = self.parts.iter().map(|p| p.name.as_str()).collect();
        let (legend, legend_rows) = legend_layout(&names, width);
        let roll_height = ((high - low) * pps) as u32 + MARGIN_BOTTOM;
        let height = (roll_height + legend_rows * LEGEND_ROW + 2).min(MAX_SIDE);
        let mut pic = Picture::new(width, height);
        let x_of = |beat: f64| MARGIN_LEFT as f64 + beat * options.pixels_per_beat;
        let y_of = |pitch: f64| (high - pitch) * pps;
        let roll_bottom = (roll_height.min(height) - MARGIN_BOTTOM) as i64;

        // Grid: pitch lines at every C, beat lines.
        let mut p = low.ceil() as i64;
        while (p as f64) <= high {
            if p.rem_euclid(12) == 0 {
                let y = y_of(p as f64 - 0.5).round() as i64;
                for x in MARGIN_LEFT as i64..width as i64 {
                    pic.blend(x, y, [0, 0, 0], 0.25);
                }
                text(
                    &mut pic,
                    2,
                    y - 6,
                    &format!("C{}", p / 12 - 1),
                    [60, 60, 60],
                );
            }
            p += 1;
        }
        for b in 0..=beats as i64 {
            let x = x_of(b as f64).round() as i64;
            let strength = if b % 4 == 0 { 0.35 } else { 0.12 };
            for y in 0..roll_bottom {
                pic.blend(x, y, [0, 0, 0], strength);
            }
            if b % 4 == 0 {
                text(
                    &mut pic,
                    x - 1,
                    roll_bottom + 3,
                    &b.to_string(),
                    [60, 60, 60],
                );
            }
        }

        // Notes: a band one semitone high following the pitch, opacity from the volume.
        let part_index = |name: &str| self.parts.iter().position(|p| p.name == name).unwrap_or(0);
        for (part, n) in &notes {
            let color = PALETTE[part_index(&part.name) % PALETTE.len()];
            let length = n.length.total();
            let (x0, x1) = (
                x_of(n.start_beat).round() as i64,
                x_of(n.start_beat + length).round() as i64,
            );
            for level in pitch_levels(&n.pitch) {
                for x in x0..x1.max(x0 + 1) {
                    let into = ((x - x0) as f64 + 0.5) / options.pixels_per_beat;
                    let pitch = level.value_at(into.min(length));
                    let alpha = 0.25 + 0.75 * n.volume.value_at(into.min(length)).clamp(0.0, 1.0);
                    let (ya, yb) = (
                        y_of(pitch + 0.5).round() as i64,
                        y_of(pitch - 0.5).round() as i64,
                    );
                    for y in ya..yb.min(roll_bottom) {
                        // A darker outline at the note's start and edges keeps neighbours apart.
                        let edge = x == x0 || y == ya || y == yb - 1;
                        pic.blend(x, y, if edge { color.map(|c| c / 2) } else { color }, alpha);
                    }
                }
            }
        }
        // The legend: each part's colour and name.
        for (k, (&(x, row), name)) in legend.iter().zip(&names).enumerate() {
            let color = PALETTE[k % PALETTE.len()];
            let top = (roll_height + 2 + row * LEGEND_ROW) as i64;
            for dy in 0..LEGEND_SWATCH as i64 {
                for dx in 0..LEGEND_SWATCH as i64 {
                    pic.blend(x as i64 + dx, top + dy, color, 1.0);
                }
            }
            let left = (x + LEGEND_SWATCH + 4) as i64;
            pixel_font::draw(name, pixel_font::large, |dx, dy| {
                pic.blend(left + dx, top + dy, [40, 40, 40], 1.0)
            });
        }
        Ok(pic)
    }

    /// Writes the piano roll as a PNG file.
    pub fn save_piano_roll(
        &self,
        path: impl AsRef<Path>,
        options: &PianoRollOptions,
    ) -> Result<()> {
        self.piano_roll(options)?.write_png(path.as_ref())
    }
}
