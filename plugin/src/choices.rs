//! The files a user chooses in the editor: the Performance file and the SoundFont.
//!
//! A choice is checked off the audio thread (a loader thread per choice: the Performance is
//! parsed and validated, the SoundFont resolved and parsed for a synth) and only then made:
//! the path goes into the plugin's persisted state, the recent-files list, and
//! [`Choices::version`] is bumped. The audio thread reads nothing here but that one atomic:
//! when it changes, the piece starts over at the playhead, and the new session (made on the
//! piece side) reads the paths. A choice that fails changes nothing and says why.
//!
//! Called from the editor (GUI thread) and the loader threads; the audio thread only loads
//! [`Choices::version`].

use scamp::soundfont::SoundFontInfo;
use scamp::transcribe::Performance;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

/// Entries the recent-files list keeps (newest first).
pub const RECENT_KEPT: usize = 8;

/// What a choice is of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Performance,
    SoundFont,
}

impl Kind {
    /// The file extensions the browser lists for this kind.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            Kind::Performance => &["json"],
            Kind::SoundFont => &["sf2"],
        }
    }

    /// The recent-files prefix that keeps the two kinds in one persisted list.
    fn tag(self) -> &'static str {
        match self {
            Kind::Performance => "performance:",
            Kind::SoundFont => "soundfont:",
        }
    }
}

/// Where a choice stands, for the editor to show.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Outcome {
    #[default]
    None,
    Loading(String),
    /// Chosen: a summary of what was loaded.
    Chosen(String),
    /// Refused: the error, naming the file.
    Failed(String),
}

/// The persisted values a choice writes (the same `Arc`s the plugin's parameters persist).
#[derive(Clone)]
pub struct ChoiceState {
    pub performance_file: Arc<RwLock<String>>,
    pub soundfont_file: Arc<RwLock<String>>,
    /// Paths tagged with their kind (`performance:` or `soundfont:`), newest first.
    pub recent: Arc<RwLock<Vec<String>>>,
}

/// See the module docs.
pub struct Choices {
    state: ChoiceState,
    /// Bumped each time a choice is made; the audio thread restarts the piece on a change.
    pub version: AtomicU64,
    /// Choices made of each kind (the editor sees a new one).
    made: [AtomicU64; 2],
    outcomes: Mutex<[Outcome; 2]>,
}

fn slot(kind: Kind) -> usize {
    match kind {
        Kind::Performance => 0,
        Kind::SoundFont => 1,
    }
}

/// Checks that `path` is a Performance that can be played: a summary, or the error.
pub fn check_performance(path: &str) -> Result<String, String> {
    let performance = Performance::load_from_json(path).map_err(|e| e.to_string())?;
    let notes: usize = performance.parts.iter().map(|p| p.num_notes()).sum();
    Ok(format!(
        "{} part(s), {notes} note(s), {:.1} beats",
        performance.parts.len(),
        performance.end_beat()
    ))
}

/// Checks that `spec` (a path, `general_midi` or `default`) is a SoundFont a synth can play:
/// a summary, or the error.
pub fn check_soundfont(spec: &str) -> Result<String, String> {
    let font = SoundFontInfo::resolve(spec).map_err(|e| e.to_string())?;
    font.load_for_synth().map_err(|e| e.to_string())?;
    Ok(format!(
        "{} ({} presets)",
        font.describe(),
        font.presets.len()
    ))
}

impl Choices {
    pub fn new(state: ChoiceState) -> Arc<Self> {
        Arc::new(Choices {
            state,
            version: AtomicU64::new(0),
            made: Default::default(),
            outcomes: Mutex::new(Default::default()),
        })
    }

    /// The path chosen for `kind` (empty: none).
    pub fn current(&self, kind: Kind) -> String {
        let field = match kind {
            Kind::Performance => &self.state.performance_file,
            Kind::SoundFont => &self.state.soundfont_file,
        };
        field.read().map(|p| p.clone()).unwrap_or_default()
    }

    /// How many choices of `kind` have been made.
    pub fn made(&self, kind: Kind) -> u64 {
        self.made[slot(kind)].load(Ordering::Acquire)
    }

    /// Where the last choice of `kind` stands.
    pub fn outcome(&self, kind: Kind) -> Outcome {
        self.outcomes
            .lock()
            .map(|o| o[slot(kind)].clone())
            .unwrap_or_default()
    }

    fn set_outcome(&self, kind: Kind, outcome: Outcome) {
        if let Ok(mut o) = self.outcomes.lock() {
            o[slot(kind)] = outcome;
        }
    }

    /// The recent paths of `kind`, newest first.
    pub fn recent(&self, kind: Kind) -> Vec<String> {
        let recent = self
            .state
            .recent
            .read()
            .map(|r| r.clone())
            .unwrap_or_default();
        recent
            .iter()
            .filter_map(|r| r.strip_prefix(kind.tag()).map(str::to_string))
            .collect()
    }

    /// Checks `path` on a thread of its own and, when it passes, makes it the choice of
    /// `kind`. An empty path clears the choice (the built-in font; no performance).
    pub fn choose(self: &Arc<Self>, kind: Kind, path: String) {
        let path = path.trim().to_string();
        if path.is_empty() {
            self.commit(kind, &path);
            self.set_outcome(kind, Outcome::None);
            return;
        }
        self.set_outcome(kind, Outcome::Loading(path.clone()));
        let me = Arc::clone(self);
        let spawned = std::thread::Builder::new()
            .name("scamp-editor-load".into())
            .spawn(move || {
                let checked = match kind {
                    Kind::Performance => check_performance(&path),
                    Kind::SoundFont => check_soundfont(&path),
                };
                match checked {
                    Ok(summary) => {
                        me.commit(kind, &path);
                        me.set_outcome(kind, Outcome::Chosen(summary));
                    }
                    Err(e) => {
                        log::warn!("{e}");
                        me.set_outcome(kind, Outcome::Failed(e));
                    }
                }
            });
        if let Err(e) = spawned {
            self.set_outcome(
                kind,
                Outcome::Failed(format!("could not start loading {}: {e}", kind_name(kind))),
            );
        }
    }

    /// Makes `path` the choice of `kind` and tells the audio side.
    fn commit(&self, kind: Kind, path: &str) {
        let field = match kind {
            Kind::Performance => &self.state.performance_file,
            Kind::SoundFont => &self.state.soundfont_file,
        };
        if let Ok(mut f) = field.write() {
            *f = path.to_string();
        }
        if !path.is_empty() {
            if let Ok(mut recent) = self.state.recent.write() {
                let tagged = format!("{}{path}", kind.tag());
                recent.retain(|r| *r != tagged);
                recent.insert(0, tagged);
                let mut kept = [0usize; 2];
                recent.retain(|r| {
                    let k = if r.starts_with(Kind::Performance.tag()) {
                        0
                    } else {
                        1
                    };
                    kept[k] += 1;
                    kept[k] <= RECENT_KEPT
                });
            }
        }
        self.made[slot(kind)].fetch_add(1, Ordering::AcqRel);
        self.version.fetch_add(1, Ordering::AcqRel);
    }
}

/// How the editor names a kind.
pub fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Performance => "the performance file",
        Kind::SoundFont => "the SoundFont",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    fn choices() -> Arc<Choices> {
        Choices::new(ChoiceState {
            performance_file: Arc::default(),
            soundfont_file: Arc::default(),
            recent: Arc::default(),
        })
    }

    fn settled(c: &Choices, kind: Kind) -> Outcome {
        let start = Instant::now();
        loop {
            match c.outcome(kind) {
                Outcome::Loading(_) if start.elapsed() < Duration::from_secs(20) => {
                    std::thread::sleep(Duration::from_millis(5))
                }
                other => return other,
            }
        }
    }

    const PERFORMANCE: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/fixtures/scamp/hello_performance.json"
    );

    #[test]
    fn a_file_that_fails_its_check_changes_nothing_and_says_why() {
        let c = choices();
        let missing = "/nonexistent/piece.json".to_string();
        c.choose(Kind::Performance, missing.clone());
        match settled(&c, Kind::Performance) {
            Outcome::Failed(e) => assert!(e.contains(&missing), "{e}"),
            other => panic!("{other:?}"),
        }
        let not_a_font = PERFORMANCE.to_string();
        c.choose(Kind::SoundFont, not_a_font.clone());
        match settled(&c, Kind::SoundFont) {
            Outcome::Failed(e) => assert!(e.contains("hello_performance.json"), "{e}"),
            other => panic!("{other:?}"),
        }
        assert_eq!(c.version.load(Ordering::Acquire), 0);
        assert_eq!(c.current(Kind::Performance), "");
        assert!(c.recent(Kind::Performance).is_empty());
    }

    #[test]
    fn a_file_that_passes_is_chosen_remembered_and_announced() {
        let c = choices();
        c.choose(Kind::Performance, PERFORMANCE.into());
        match settled(&c, Kind::Performance) {
            Outcome::Chosen(summary) => assert_eq!(summary, "2 part(s), 10 note(s), 4.5 beats"),
            other => panic!("{other:?}"),
        }
        assert_eq!(c.current(Kind::Performance), PERFORMANCE);
        assert_eq!(c.version.load(Ordering::Acquire), 1);
        assert_eq!(c.made(Kind::Performance), 1);
        assert_eq!(c.recent(Kind::Performance), [PERFORMANCE]);
        c.choose(Kind::SoundFont, "default".into());
        assert!(matches!(settled(&c, Kind::SoundFont), Outcome::Chosen(_)));
        assert_eq!(c.version.load(Ordering::Acquire), 2);
        // Clearing is immediate: the built-in font again.
        c.choose(Kind::SoundFont, "  ".into());
        assert_eq!(c.current(Kind::SoundFont), "");
        assert_eq!(c.version.load(Ordering::Acquire), 3);
        assert_eq!(c.recent(Kind::SoundFont), ["default"]);
    }

    #[test]
    fn the_recent_files_keep_the_newest_of_each_kind_without_repeats() {
        let c = choices();
        for k in 0..RECENT_KEPT + 3 {
            c.commit(Kind::Performance, &format!("/p{k}.json"));
        }
        c.commit(Kind::SoundFont, "/font.sf2");
        c.commit(Kind::Performance, "/p5.json");
        let recent = c.recent(Kind::Performance);
        assert_eq!(recent.len(), RECENT_KEPT);
        assert_eq!(recent[0], "/p5.json");
        assert_eq!(recent[1], format!("/p{}.json", RECENT_KEPT + 2));
        assert_eq!(recent.iter().filter(|p| *p == "/p5.json").count(), 1);
        assert_eq!(c.recent(Kind::SoundFont), ["/font.sf2"]);
    }
}
