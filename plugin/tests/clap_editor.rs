//! The plugin's window in a CLAP host (the clack-host test host), embedded in an X11 window
//! of the test's own on a private X server (Xvfb), driven with xdotool: the GUI extension is
//! offered, opens and closes; files chosen in it are in the saved state and restore in a new
//! instance; and `process()` never allocates while the window is open and files are swapped
//! (run with `--features assert_process_allocs`, as `scripts/test.sh` does).

mod support;
mod window;
#[path = "../../tests/support/xvfb.rs"]
mod xvfb;

use scamp::transcribe::{NotePitch, Performance};
use std::path::Path;
use std::time::{Duration, Instant};
use support::*;
use window::*;

const PERFORMANCE: &str = "../tests/fixtures/scamp/hello_performance.json";

/// A window for the plugin to embed its own in, at the screen's top left.
struct Parent {
    display: *mut x11::xlib::Display,
    window: x11::xlib::Window,
}

impl Parent {
    fn new(width: u32, height: u32) -> Parent {
        // SAFETY: plain Xlib calls on a display this struct owns until drop.
        unsafe {
            let display = x11::xlib::XOpenDisplay(std::ptr::null());
            assert!(!display.is_null(), "cannot open the test display");
            let screen = x11::xlib::XDefaultScreen(display);
            let root = x11::xlib::XRootWindow(display, screen);
            let black = x11::xlib::XBlackPixel(display, screen);
            let window =
                x11::xlib::XCreateSimpleWindow(display, root, 0, 0, width, height, 0, black, black);
            x11::xlib::XMapWindow(display, window);
            x11::xlib::XSync(display, 0);
            Parent { display, window }
        }
    }
}

impl Drop for Parent {
    fn drop(&mut self) {
        // SAFETY: the window and display were made in `new` and are not used after this.
        unsafe {
            x11::xlib::XDestroyWindow(self.display, self.window);
            x11::xlib::XCloseDisplay(self.display);
        }
    }
}

/// The RGB of pixel (x, y) of a PNG.
fn pixel(png_path: &Path, x: u32, y: u32) -> [u8; 3] {
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(png_path).unwrap(),
    ));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let i = ((y * info.width + x) as usize) * channels;
    [buf[i], buf[i + 1], buf[i + 2]]
}

/// Plays blocks at a sound card's pace for `seconds` (the transport at 90 bpm from `beat`),
/// while `meanwhile` runs on a thread of its own (the user at the window); what was heard.
fn play_while(
    host: &mut TestHost,
    beat: f64,
    seconds: f64,
    meanwhile: impl FnOnce() + Send + 'static,
) -> Block {
    let user = std::thread::spawn(meanwhile);
    let start = host.at;
    let blocks = (seconds * SR) as usize / host.block;
    let b = run(
        host,
        blocks,
        &|at| Some(Tr::playing(90.0, beat + (at - start) as f64 / SR * 1.5)),
        true,
    );
    user.join().expect("the user's actions");
    b
}

fn absolute(path: &str) -> String {
    std::fs::canonicalize(Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
        .unwrap()
        .display()
        .to_string()
}

#[test]
fn the_window_embeds_and_what_is_chosen_in_it_is_in_the_saved_state_of_a_new_instance() {
    need_gm_font();
    let _x = xvfb::lock();
    let dir = out_dir();
    let parent = Parent::new(900, 760);
    let mut host = TestHost::scamp(480, false);
    assert!(
        host.offers_x11_gui(),
        "the CLAP GUI extension, embeddable in X11"
    );
    let size = host.open_gui(parent.window);
    assert_eq!(size, (820, 700));
    play_while(&mut host, 0.0, 1.5, || {});
    let shot = dir.join("clap-1-opened.png");
    xvfb::screenshot(&shot);
    // The editor draws its light background where the parent is black.
    let inside = pixel(&shot, 400, 8);
    assert!(
        inside.iter().all(|&c| c > 200),
        "the editor is drawn: {inside:?}"
    );
    assert_eq!(pixel(&shot, 870, 740), [0, 0, 0], "the parent outside it");

    // Closed and opened again.
    host.close_gui();
    play_while(&mut host, 2.25, 0.3, || {});
    host.open_gui(parent.window);

    let (performance, font) = (absolute(PERFORMANCE), GM_FONT.to_string());
    let (p, f) = (performance.clone(), font.clone());
    play_while(&mut host, 2.7, 4.0, move || {
        std::thread::sleep(Duration::from_millis(800));
        type_into(PERFORMANCE_FIELD, &p);
        std::thread::sleep(Duration::from_millis(800));
        type_into(SOUNDFONT_FIELD, &f);
        std::thread::sleep(Duration::from_millis(1000));
    });
    xvfb::screenshot(&dir.join("clap-2-chosen.png"));
    host.close_gui();
    let state = host.save_state();
    let text = String::from_utf8_lossy(&state);
    assert!(
        text.contains(&performance) && text.contains(&font),
        "{text}"
    );
    // Kept for the Ardour test, which reopens a session holding it (scripts/test.sh).
    std::fs::write(dir.join("clap-state.json"), &state).unwrap();
    drop(host);

    // A new instance restored from the state plays the performance (the piece chosen with
    // it) from its start: its notes, in order.
    let mut again = TestHost::load_with_state(&plugin_path(), SCAMP_ID, 480, true, Some(&state));
    let b = run(
        &mut again,
        (8.0 * 32_000.0) as usize / 480,
        &|at| Some(Tr::playing(90.0, at as f64 / 32_000.0)),
        false,
    );
    let heard: Vec<u16> = ons(&b.heard).into_iter().map(|(_, k)| k).collect();
    let perf = Performance::load_from_json(Path::new(env!("CARGO_MANIFEST_DIR")).join(PERFORMANCE))
        .unwrap();
    let mut notes: Vec<(f64, f64)> = perf
        .notes()
        .into_iter()
        .flat_map(|(_, n)| {
            let pitches: Vec<f64> = match &n.pitch {
                NotePitch::Single(l) => vec![l.value_at(0.0)],
                NotePitch::Chord(ls) => ls.iter().map(|l| l.value_at(0.0)).collect(),
            };
            pitches.into_iter().map(move |p| (n.start_beat, p))
        })
        .collect();
    notes.sort_by(|a, b| a.0.total_cmp(&b.0));
    // Notes starting together may come in either order; a microtonal pitch is the nearest
    // key bent, so within half a semitone.
    let mut expected: Vec<f64> = notes.iter().map(|n| n.1).collect();
    let mut got = heard.clone();
    expected.sort_by(f64::total_cmp);
    got.sort_unstable();
    assert_eq!(
        got.len(),
        expected.len(),
        "heard {heard:?}, expected {expected:?}"
    );
    for (k, p) in got.iter().zip(&expected) {
        assert!(
            (*k as f64 - p).abs() <= 0.5,
            "heard {heard:?}, expected {expected:?}"
        );
    }
    // On the chosen font, exactly: the command line's render of that performance on it.
    let cli = deps_dir().parent().unwrap().join("scamp");
    assert!(
        cli.is_file(),
        "no {} (cargo builds it with the workspace)",
        cli.display()
    );
    let reference = out_dir().join("clap-restored-reference.wav");
    let status = std::process::Command::new(&cli)
        .args(["host", "--performance", &performance, "--soundfont", &font])
        .args(["--tempo", "90", "--seconds"])
        .arg(format!("{}", b.left.len() as f64 / SR))
        .args(["--sample-rate", "48000", "--block-size", "480", "--render"])
        .arg(&reference)
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let (_, want, _) = scamp::render::wav::read_wav(&reference).unwrap();
    assert_eq!(want.len(), b.left.len());
    let first = b.left.iter().zip(&want).position(|(a, b)| a != b);
    assert_eq!(
        first, None,
        "the restored instance sounds as `scamp host` renders"
    );
    assert!(b.left.iter().any(|x| x.abs() > 1e-3));
}

#[test]
fn process_never_allocates_with_the_window_open_while_files_are_swapped() {
    need_gm_font();
    let _x = xvfb::lock();
    let parent = Parent::new(900, 760);
    let mut host = TestHost::scamp(256, false);
    host.open_gui(parent.window);
    let performance = absolute(PERFORMANCE);
    let started = Instant::now();
    let b = play_while(&mut host, 0.0, 6.0, move || {
        for _ in 0..2 {
            std::thread::sleep(Duration::from_millis(500));
            type_into(SOUNDFONT_FIELD, GM_FONT);
            std::thread::sleep(Duration::from_millis(600));
            click(BUILT_IN_BUTTON);
            std::thread::sleep(Duration::from_millis(600));
        }
        type_into(PERFORMANCE_FIELD, &performance);
        std::thread::sleep(Duration::from_millis(600));
    });
    // Closed, back to the start (the performance, 4.5 beats, has ended by now), and opened
    // again while it plays.
    host.close_gui();
    let c = play_while(&mut host, 0.0, 1.0, || {});
    host.open_gui(parent.window);
    let d = play_while(&mut host, 1.5, 1.5, || {});
    host.close_gui();
    assert!(started.elapsed() < Duration::from_secs(60));
    assert!(
        ons(&b.heard).len() > 5,
        "it played throughout: {:?}",
        b.heard
    );
    assert!(
        [&b.left, &c.left, &d.left]
            .iter()
            .all(|l| l.iter().any(|x| x.abs() > 1e-3)),
        "sound while swapping, with the window closed and opened again"
    );
}
