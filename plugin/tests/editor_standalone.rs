//! The standalone program's window, driven as a user drives it: on a private X server
//! (Xvfb), clicks and keystrokes from xdotool choose a Performance file and a SoundFont, and
//! programs we did not write hear the result through a private JACK server (dummy driver):
//! `jack_midi_dump` the MIDI (the performance's notes), `jack_rec` the audio (the font's
//! sound). `jack_transport` starts and rewinds the transport as a user of a JACK setup would.
//! Screenshots of each step go to `target/editor-test/`.

#[path = "../../tests/support/audio.rs"]
mod audio;
mod window;
#[path = "../../tests/support/xvfb.rs"]
mod xvfb;

use scamp::prelude::*;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use window::*;

/// The performance's two pitches (A4 and E5), alternating on every beat.
const KEYS: [u8; 2] = [69, 76];

/// A JACK server of this test's own (never the user's), ended on drop.
struct Jack {
    name: String,
    server: Child,
}

impl Jack {
    fn start() -> Jack {
        let name = format!("scamp-editor-test-{}", std::process::id());
        let server = Command::new("jackd")
            .args(["-n", &name, "-d", "dummy", "-r", "48000", "-p", "512"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("cannot run jackd (scripts/setup.sh installs jackd2)");
        let jack = Jack { name, server };
        wait_for("the JACK server", || {
            jack.command("jack_lsp")
                .output()
                .is_ok_and(|o| o.status.success())
        });
        jack
    }

    /// A JACK tool talking to this server only (never starting one of its own).
    fn command(&self, program: &str) -> Command {
        let mut c = Command::new(program);
        c.env("JACK_DEFAULT_SERVER", &self.name)
            .env("JACK_NO_START_SERVER", "1");
        c
    }

    fn ports(&self) -> String {
        let out = self.command("jack_lsp").output().expect("jack_lsp runs");
        String::from_utf8_lossy(&out.stdout).to_string()
    }

    fn run(&self, program: &str, args: &[&str]) {
        let status = self
            .command(program)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
        assert!(status.success(), "{program} {args:?}: {status}");
    }

    fn transport(&self, command: &str) {
        use std::io::Write;
        let mut child = self
            .command("jack_transport")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("cannot run jack_transport");
        let mut stdin = child.stdin.take().unwrap();
        writeln!(stdin, "{command}\nquit").unwrap();
        drop(stdin);
        let _ = child.wait();
    }

    /// The MIDI `scamp:midi_output` sends for `seconds`: (frame, status, key, velocity).
    fn dump_midi(&self, seconds: f64) -> Vec<(u64, u8, u8, u8)> {
        let client = format!("dump-{}", std::process::id());
        let mut dump = self
            .command("jack_midi_dump")
            .args(["-a", &client])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("cannot run jack_midi_dump");
        let input = format!("{client}:input");
        wait_for("jack_midi_dump's port", || self.ports().contains(&input));
        self.run("jack_connect", &["scamp:midi_output", &input]);
        std::thread::sleep(Duration::from_secs_f64(seconds));
        let _ = dump.kill();
        let out = dump.wait_with_output().unwrap();
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|line| {
                let (frame, rest) = line.split_once(':')?;
                let bytes: Vec<u8> = rest
                    .split_whitespace()
                    .take(3)
                    .map_while(|b| u8::from_str_radix(b, 16).ok())
                    .collect();
                (bytes.len() == 3).then(|| (frame.trim().parse().ok(), bytes))
            })
            .filter_map(|(frame, b)| Some((frame?, b[0], b[1], b[2])))
            .collect()
    }

    /// `seconds` of the left output, recorded by jack_rec (16-bit WAV).
    fn record(&self, seconds: u32, path: &Path) -> Vec<f32> {
        self.run(
            "jack_rec",
            &[
                "-f",
                path.to_str().unwrap(),
                "-d",
                &seconds.to_string(),
                "-b",
                "16",
                "scamp:output_1",
            ],
        );
        scamp::render::wav::read_wav(path)
            .expect("jack_rec's WAV reads")
            .1
    }
}

impl Drop for Jack {
    /// Stops the server as its user would (SIGTERM): killed outright, it would leave its
    /// entry in JACK's shared registry, which holds only a few.
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.server.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.server.try_wait().ok().flatten().is_none() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.server.kill();
        let _ = self.server.wait();
    }
}

/// Polls `done` every 100 ms (each look runs a program: never faster), for 30 s at most.
fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A Performance of 400 beats: a flute on every beat, A4 and E5 in turn (transcribed from a
/// piece, as a user makes one).
fn write_performance(path: &Path) {
    let session = Session::fast_forward_session(120.0).unwrap();
    session.start_transcribing().unwrap();
    let flute = session.new_silent_part("flute");
    for beat in 0..400 {
        // Blocking for its 0.9 beats; a rest makes up the beat.
        flute.play_note(KEYS[beat % 2] as f64, 0.8, 0.9).unwrap();
        session.wait(0.1).unwrap();
    }
    let performance = session.stop_transcribing().unwrap();
    performance.save_to_json(path).unwrap();
}

/// The relative strengths of the first eight harmonics of both pitches: what tells one
/// font's flute from another's.
fn timbre(x: &[f32]) -> Vec<f64> {
    let mut t: Vec<f64> = KEYS
        .iter()
        .flat_map(|&k| {
            (1..=8).map(move |h| {
                audio::magnitude_at(x, 48_000.0, 0, x.len(), h as f64 * audio::hz(k as f64))
            })
        })
        .collect();
    let total: f64 = t.iter().sum::<f64>().max(1e-12);
    t.iter_mut().for_each(|v| *v /= total);
    t
}

fn distance(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y).abs()).sum()
}

/// Pixels of `png` inside `(x0, y0)..(x1, y1)` within 8 of `rgb` in every channel.
fn count_colour(png: &Path, (x0, y0, x1, y1): (u32, u32, u32, u32), rgb: [u8; 3]) -> usize {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(png).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let mut n = 0;
    for y in y0..y1.min(info.height) {
        for x in x0..x1.min(info.width) {
            let i = ((y * info.width + x) as usize) * channels;
            if (0..3).all(|c| (buf[i + c] as i32 - rgb[c] as i32).abs() <= 8) {
                n += 1;
            }
        }
    }
    n
}

/// What tesseract (OCR) makes of `area` (x, y, width, height) of a screenshot, scaled up
/// three times first (it reads the window's small text better so), with its `options`.
fn ocr(png: &Path, (x, y, w, h): (u32, u32, u32, u32), options: &[&str]) -> String {
    let scaled = png.with_extension("ocr.png");
    let status = Command::new("convert")
        .arg(png)
        .args(["-crop", &format!("{w}x{h}+{x}+{y}"), "-resize", "300%"])
        .arg(&scaled)
        .status()
        .expect("cannot run convert (scripts/setup.sh installs imagemagick)");
    assert!(status.success());
    let out = Command::new("tesseract")
        .arg(&scaled)
        .arg("-")
        .args(options)
        .output()
        .expect("cannot run tesseract (scripts/setup.sh installs tesseract-ocr)");
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// Where OCR reads a word starting with `word` (ignoring case) in `area` of a screenshot:
/// the centre of its box, in screen pixels.
fn find_word(png: &Path, area: (u32, u32, u32, u32), word: &str) -> Option<(u32, u32)> {
    let word = word.to_lowercase();
    // Columns: level page block paragraph line word left top width height confidence text.
    ocr(png, area, &["tsv"]).lines().find_map(|line| {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 12 || !f[11].trim().to_lowercase().starts_with(&word) {
            return None;
        }
        let n = |i: usize| f[i].parse::<u32>().ok();
        Some((
            area.0 + (n(6)? + n(8)? / 2) / 3,
            area.1 + (n(7)? + n(9)? / 2) / 3,
        ))
    })
}

/// The line of text OCR reads in `area` of a screenshot.
fn read_text(png: &Path, area: (u32, u32, u32, u32)) -> String {
    ocr(png, area, &["--psm", "7"]).trim().to_string()
}

#[test]
fn the_standalone_window_chooses_a_performance_and_a_soundfont_that_jack_then_hears() {
    need_gm_font();
    let _x = xvfb::lock();
    let dir = out_dir();
    // The performance is in the home folder, where the window's file browser opens.
    let home = dir.join("home");
    std::fs::remove_dir_all(&home).ok();
    std::fs::create_dir_all(home.join("a folder")).unwrap();
    let performance = home.join("flute.json");
    write_performance(&performance);
    let jack = Jack::start();
    let standalone = jack
        .command(env!("CARGO_BIN_EXE_scamp_plugin"))
        .args(["--backend", "jack"])
        .env("DISPLAY", xvfb::display())
        .env("HOME", &home)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the standalone starts");
    wait_for("the standalone's JACK ports", || {
        jack.ports().contains("scamp:midi_output")
    });
    wait_for("the window", || {
        Command::new("xdotool")
            .args(["search", "--onlyvisible", "--name", "scamp"])
            .env("DISPLAY", xvfb::display())
            .output()
            .is_ok_and(|o| o.status.success())
    });
    std::thread::sleep(Duration::from_secs(1));
    xvfb::screenshot(&dir.join("1-opened.png"));

    // The Performance file, chosen in the window's own file browser (its entry found on the
    // screen by OCR): the piece switches to it.
    click(PERFORMANCE_BROWSE);
    std::thread::sleep(Duration::from_secs(1));
    let browsing = dir.join("2-browsing.png");
    xvfb::screenshot(&browsing);
    let (x, y) = find_word(&browsing, (0, 140, 820, 260), "flute")
        .unwrap_or_else(|| panic!("no flute.json in the browser: see {}", browsing.display()));
    click((x, y));
    std::thread::sleep(Duration::from_secs(2));
    jack.transport("locate 0");
    jack.transport("play");
    let midi = jack.dump_midi(4.0);
    let playing = dir.join("3-performance-chosen.png");
    xvfb::screenshot(&playing);
    // The live piano roll draws the flute's notes in its part's colour (the first of the
    // piano-roll palette), and its legend names the part.
    let flute_blue = scamp::transcribe::piano_roll::PALETTE[0];
    let roll = count_colour(&playing, (0, 380, 820, 665), flute_blue);
    assert!(
        roll > 500,
        "{roll} pixels of the flute's colour in the roll"
    );
    let legend = read_text(&playing, (24, 666, 300, 22));
    assert!(
        legend.to_lowercase().contains("flute"),
        "the legend reads {legend:?}"
    );
    let ons: Vec<(u64, u8)> = midi
        .iter()
        .filter(|m| m.1 & 0xF0 == 0x90 && m.3 > 0)
        .map(|m| (m.0, m.2))
        .collect();
    assert!(ons.len() >= 5, "the performance's notes: {midi:?}");
    assert!(
        ons.iter().all(|(_, k)| KEYS.contains(k)),
        "only the performance's pitches: {ons:?}"
    );
    // A beat apart (120 bpm: 24,000 frames), the pitches in turn.
    for pair in ons.windows(2) {
        let gap = pair[1].0 - pair[0].0;
        assert!((23_000..=25_000).contains(&gap), "{ons:?}");
        assert_ne!(pair[0].1, pair[1].1, "{ons:?}");
    }

    // The flute on the built-in font, then on the General MIDI font, then built-in again.
    let built_in = jack.record(2, &dir.join("built-in.wav"));
    type_into(SOUNDFONT_FIELD, GM_FONT);
    std::thread::sleep(Duration::from_secs(2));
    xvfb::screenshot(&dir.join("4-soundfont-chosen.png"));
    let gm = jack.record(2, &dir.join("general-midi.wav"));
    click(BUILT_IN_BUTTON);
    std::thread::sleep(Duration::from_secs(2));
    let again = jack.record(2, &dir.join("built-in-again.wav"));
    xvfb::screenshot(&dir.join("5-built-in-again.png"));
    for (name, x) in [
        ("built-in", &built_in),
        ("GM", &gm),
        ("built-in again", &again),
    ] {
        let rms = audio::rms(x, 0, x.len());
        assert!(rms > 1e-3, "{name} is heard (rms {rms})");
    }
    let (same, other) = (
        distance(&timbre(&built_in), &timbre(&again)),
        distance(&timbre(&built_in), &timbre(&gm)),
    );
    eprintln!("timbre distance: {other:.3} between the fonts, {same:.3} between two takes of the built-in one");
    assert!(
        other > 3.0 * same && other > 0.1,
        "the GM font's flute sounds unlike the built-in one: {other:.3} between fonts, {same:.3} between two takes of one"
    );

    let (status, stderr) = interrupt(standalone);
    assert!(status.success(), "{status}: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// Interrupts the standalone as Ctrl-C does, and waits (10 s at most) for it to end: its exit
/// status and what it wrote to stderr.
fn interrupt(mut child: Child) -> (std::process::ExitStatus, String) {
    let _ = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    let deadline = Instant::now() + Duration::from_secs(10);
    while child.try_wait().unwrap().is_none() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    let ended = child.try_wait().unwrap().is_some();
    if !ended {
        let _ = child.kill();
    }
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(
        ended,
        "Ctrl-C ends the program (and closes its window): {stderr}"
    );
    (out.status, stderr)
}

/// Runs the standalone (dummy audio backend) for a second with `display` (None: none at
/// all) and `args`, then interrupts it as Ctrl-C would: whether a window was open meanwhile,
/// its exit status and what it wrote to stderr.
fn run_briefly(display: Option<&str>, args: &[&str]) -> (bool, std::process::ExitStatus, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_scamp_plugin"));
    command
        .args(["--backend", "dummy"])
        .args(args)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    if let Some(d) = display {
        command.env("DISPLAY", d);
    }
    let child = command.spawn().expect("the standalone starts");
    std::thread::sleep(Duration::from_secs(3));
    let window = Command::new("xdotool")
        .args(["search", "--onlyvisible", "--name", "scamp"])
        .env("DISPLAY", xvfb::display())
        .output()
        .is_ok_and(|o| o.status.success());
    let (status, stderr) = interrupt(child);
    (window, status, stderr)
}

#[test]
fn the_standalone_stays_headless_when_asked_or_when_there_is_no_display() {
    let _x = xvfb::lock();
    let display = xvfb::display();
    let (window, status, stderr) = run_briefly(Some(&display), &["--no-editor"]);
    assert!(!window, "--no-editor opens no window");
    assert!(status.success(), "{status}: {stderr}");
    let (window, status, stderr) = run_briefly(None, &[]);
    assert!(!window);
    assert!(status.success(), "{status}: {stderr}");
    assert!(stderr.contains("no display"), "{stderr}");
    // And with a display, the window (the same one the test above drives).
    let (window, _, stderr) = run_briefly(Some(&display), &[]);
    assert!(window, "{stderr}");
}
