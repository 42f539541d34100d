//! Engraved pages as the tests look at them.

/// Whether a PNG page has notes on it: big enough, with a few thousand dark pixels.
pub fn has_ink(png: &std::path::Path) -> Result<(), String> {
    let file = std::fs::File::open(png).map_err(|e| format!("{}: {e}", png.display()))?;
    let decoder = png::Decoder::new(std::io::BufReader::new(file));
    let mut reader = decoder.read_info().map_err(|e| e.to_string())?;
    let mut pixels = vec![0; reader.output_buffer_size().unwrap_or(0)];
    let info = reader.next_frame(&mut pixels).map_err(|e| e.to_string())?;
    let channels = info.color_type.samples();
    let dark = pixels[..info.buffer_size()]
        .chunks(channels)
        .filter(|p| {
            let opaque = channels < 4 || p[3] > 128;
            opaque && p[..3.min(channels)].iter().all(|&c| c < 100)
        })
        .count();
    if info.width > 500 && info.height > 500 && dark > 2000 {
        Ok(())
    } else {
        Err(format!(
            "{}x{}, {dark} dark pixels",
            info.width, info.height
        ))
    }
}

/// Whether `pdf` is a PDF of some size and `png` a page with notes on it.
pub fn engraved(pdf: &std::path::Path, png: &std::path::Path) -> Result<(), String> {
    let bytes = std::fs::read(pdf).map_err(|e| format!("{}: {e}", pdf.display()))?;
    if !bytes.starts_with(b"%PDF") || bytes.len() <= 5000 {
        return Err(format!(
            "{}: {} bytes, not a PDF page",
            pdf.display(),
            bytes.len()
        ));
    }
    has_ink(png)
}
