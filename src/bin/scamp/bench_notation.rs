//! `scamp bench notation`: SCAMP's note benchmark notated — the transcribed performance
//! quantized in 4/4 and every voice written measure by measure — timing each stage and the
//! memory it took, with the performance saved for a peer (SCAMP's `quantize` and `to_score`)
//! to notate the same notes.

use super::bench::{notes_workload, peak_rss_mb};
use scamp::prelude::*;
use scamp::quantization::QuantizationOptions;
use std::path::Path;
use std::time::Instant;

pub fn bench_notation(notes: usize, parts: usize, save: Option<&Path>) -> scamp::Result<()> {
    if parts == 0 || notes < parts {
        return Err(Error::invalid_argument(
            "--notes",
            notes,
            format!("at least one note per part ({parts} parts)"),
        ));
    }
    let performance = notes_workload(parts, notes / parts, parts)?;
    if let Some(path) = save {
        performance.save_to_json(path)?;
    }
    let total: usize = performance.parts.iter().map(|p| p.num_notes()).sum();
    let start = Instant::now();
    let quantized = performance.quantized(&QuantizationOptions::new())?;
    let quantize_seconds = start.elapsed().as_secs_f64();
    let start = Instant::now();
    let mut measures = 0;
    for part in &quantized.parts {
        for (_, voices) in scamp::notation::measure_voices(part)? {
            measures += voices.len();
        }
    }
    let write_seconds = start.elapsed().as_secs_f64();
    let seconds = quantize_seconds + write_seconds;
    eprintln!(
        "{total} notes on {parts} parts: quantized in {quantize_seconds:.3} s, \
         {measures} voice measures written in {write_seconds:.3} s"
    );
    println!(
        "{{\"notes\":{total},\"parts\":{parts},\"quantize_seconds\":{quantize_seconds:.6},\"write_seconds\":{write_seconds:.6},\"voice_measures\":{measures},\"notes_per_second\":{:.0},\"peak_rss_mb\":{:.1}}}",
        total as f64 / seconds,
        peak_rss_mb()
    );
    Ok(())
}
