//! `scamp bench notation`: SCAMP's note benchmark notated — the transcribed performance
//! quantized in 4/4, made into a score and written as MusicXML — timing each stage and the
//! memory it took, with the performance saved for a peer (SCAMP's `quantized`,
//! `Score.from_quantized_performance` and `to_music_xml`) to notate the same notes.

use super::bench::{notes_workload, peak_rss_mb};
use scamp::notation::Score;
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
    let score = Score::from_quantized_performance(&quantized, None, None)?;
    let score_seconds = start.elapsed().as_secs_f64();
    let start = Instant::now();
    let xml = score.to_music_xml();
    let musicxml_seconds = start.elapsed().as_secs_f64();
    let measures: usize = score.staves().map(|s| s.measures.len()).sum();
    let seconds = quantize_seconds + score_seconds + musicxml_seconds;
    eprintln!(
        "{total} notes on {parts} parts: quantized in {quantize_seconds:.3} s, scored \
         ({measures} staff measures) in {score_seconds:.3} s, MusicXML ({} kB) in \
         {musicxml_seconds:.3} s",
        xml.len() / 1000
    );
    println!(
        "{{\"notes\":{total},\"parts\":{parts},\"quantize_seconds\":{quantize_seconds:.6},\"score_seconds\":{score_seconds:.6},\"musicxml_seconds\":{musicxml_seconds:.6},\"staff_measures\":{measures},\"musicxml_bytes\":{},\"notes_per_second\":{:.0},\"peak_rss_mb\":{:.1}}}",
        xml.len(),
        total as f64 / seconds,
        peak_rss_mb()
    );
    Ok(())
}
