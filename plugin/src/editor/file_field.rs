//! A file choice in the editor: a path field (Enter chooses what is typed), a file browser
//! drawn inside the window (folders, and the files of the kind, nothing from the desktop), the
//! recent files, and the outcome of the last choice (loading, what was loaded, or the error).
//!
//! GUI thread only. Choosing goes through [`Choices::choose`], which checks the file off the
//! GUI and audio threads.

use crate::choices::{kind_name, Choices, Kind, Outcome};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Room for the field's label and for each button after it, in points.
const LABEL_WIDTH: f32 = 110.0;
const BUTTON_WIDTH: f32 = 92.0;

/// The browser's listing of one folder.
struct Listing {
    dir: PathBuf,
    /// (name, is a folder), folders first, each group by name.
    entries: Vec<(String, bool)>,
    error: Option<String>,
}

impl Listing {
    fn read(dir: PathBuf, kind: Kind) -> Listing {
        let mut entries = Vec::new();
        let error = match std::fs::read_dir(&dir) {
            Ok(read) => {
                for entry in read.flatten() {
                    let name = entry.file_name().to_string_lossy().to_string();
                    if name.starts_with('.') {
                        continue;
                    }
                    let is_dir = entry.path().is_dir();
                    let wanted = Path::new(&name)
                        .extension()
                        .and_then(|e| e.to_str())
                        .is_some_and(|e| {
                            kind.extensions().iter().any(|x| x.eq_ignore_ascii_case(e))
                        });
                    if is_dir || wanted {
                        entries.push((name, is_dir));
                    }
                }
                entries.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                None
            }
            Err(e) => Some(format!("cannot list {}: {e}", dir.display())),
        };
        Listing {
            dir,
            entries,
            error,
        }
    }
}

/// See the module docs.
pub struct FileField {
    kind: Kind,
    label: &'static str,
    /// The label's plural, for the recent files.
    plural: &'static str,
    /// What the field shows (what is chosen, until the user types).
    text: String,
    /// The value `text` was last set from (so a choice made elsewhere shows up).
    shown: String,
    browser: Option<Listing>,
}

impl FileField {
    pub fn new(kind: Kind, label: &'static str, plural: &'static str) -> Self {
        FileField {
            kind,
            label,
            plural,
            text: String::new(),
            shown: String::new(),
            browser: None,
        }
    }

    /// Where the browser opens: the folder of what is chosen, else the home folder.
    fn start_dir(&self) -> PathBuf {
        let chosen = PathBuf::from(self.text.trim());
        chosen
            .parent()
            .filter(|p| p.is_dir())
            .map(Path::to_path_buf)
            .or_else(|| std::env::var_os("HOME").map(PathBuf::from))
            .unwrap_or_else(|| PathBuf::from("/"))
    }

    /// Draws the field's row; `extra` adds `extra_buttons` buttons after the standard ones
    /// (e.g. named fonts). The rows of all fields come first, then their
    /// [`details`](Self::details), so a row stays where it is whatever the details say.
    pub fn row(
        &mut self,
        ui: &mut egui::Ui,
        choices: &Arc<Choices>,
        extra_buttons: usize,
        extra: impl FnOnce(&mut egui::Ui, &Arc<Choices>),
    ) {
        let current = choices.current(self.kind);
        if current != self.shown {
            self.text = current.clone();
            self.shown = current;
        }
        ui.horizontal(|ui| {
            ui.allocate_ui_with_layout(
                egui::vec2(LABEL_WIDTH, 18.0),
                egui::Layout::left_to_right(egui::Align::Center),
                |ui| {
                    ui.set_min_width(LABEL_WIDTH);
                    ui.label(self.label)
                },
            );
            let buttons = 2.0 + extra_buttons as f32;
            let field = ui.add(
                egui::TextEdit::singleline(&mut self.text)
                    .id_salt(self.label)
                    .desired_width(ui.available_width() - 30.0 - buttons * BUTTON_WIDTH)
                    .hint_text("a path; Enter to choose"),
            );
            if field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                choices.choose(self.kind, self.text.clone());
            }
            if ui.button("Choose").clicked() {
                choices.choose(self.kind, self.text.clone());
            }
            let browse = if self.browser.is_some() {
                "Close browser"
            } else {
                "Browse…"
            };
            if ui.button(browse).clicked() {
                self.browser = match self.browser {
                    Some(_) => None,
                    None => Some(Listing::read(self.start_dir(), self.kind)),
                };
            }
            extra(ui, choices);
        });
    }

    /// The outcome of the last choice, the recent files and the browser when open.
    pub fn details(&mut self, ui: &mut egui::Ui, choices: &Arc<Choices>) {
        match choices.outcome(self.kind) {
            Outcome::None => {}
            Outcome::Loading(path) => {
                ui.weak(format!("{}: loading {path}…", self.label));
            }
            Outcome::Chosen(summary) => {
                ui.colored_label(
                    egui::Color32::from_rgb(20, 110, 40),
                    format!("{}: {summary}", self.label),
                );
            }
            Outcome::Failed(error) => {
                ui.colored_label(
                    egui::Color32::from_rgb(190, 20, 20),
                    format!("{}: {error}", self.label),
                );
            }
        }
        let recent = choices.recent(self.kind);
        if !recent.is_empty() {
            ui.horizontal_wrapped(|ui| {
                ui.weak(format!("Recent {}:", self.plural));
                for path in recent {
                    let name = Path::new(&path)
                        .file_name()
                        .map_or(path.clone(), |n| n.to_string_lossy().to_string());
                    if ui.small_button(name).on_hover_text(&path).clicked() {
                        self.text = path.clone();
                        choices.choose(self.kind, path);
                    }
                }
            });
        }
        self.show_browser(ui, choices);
    }

    fn show_browser(&mut self, ui: &mut egui::Ui, choices: &Arc<Choices>) {
        let Some(listing) = self.browser.as_ref() else {
            return;
        };
        let mut go_to: Option<PathBuf> = None;
        let mut chosen: Option<PathBuf> = None;
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.horizontal(|ui| {
                if ui.small_button("⬆ Up").clicked() {
                    if let Some(parent) = listing.dir.parent() {
                        go_to = Some(parent.to_path_buf());
                    }
                }
                ui.monospace(listing.dir.display().to_string());
            });
            if let Some(e) = &listing.error {
                ui.colored_label(egui::Color32::from_rgb(190, 20, 20), e);
            }
            if listing.entries.is_empty() && listing.error.is_none() {
                ui.weak(format!(
                    "no folders or .{} files here",
                    self.kind.extensions().join(", .")
                ));
            }
            egui::ScrollArea::vertical()
                .id_salt((self.label, "browser"))
                .max_height(140.0)
                .show(ui, |ui| {
                    for (name, is_dir) in &listing.entries {
                        let shown = if *is_dir {
                            format!("📁 {name}/")
                        } else {
                            name.clone()
                        };
                        if ui.selectable_label(false, shown).clicked() {
                            let path = listing.dir.join(name);
                            if *is_dir {
                                go_to = Some(path);
                            } else {
                                chosen = Some(path);
                            }
                        }
                    }
                });
        });
        if let Some(dir) = go_to {
            self.browser = Some(Listing::read(dir, self.kind));
        }
        if let Some(path) = chosen {
            self.text = path.display().to_string();
            self.browser = None;
            log::info!("choosing {} {}", kind_name(self.kind), self.text);
            choices.choose(self.kind, self.text.clone());
        }
    }
}
