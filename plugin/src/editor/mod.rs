//! The plugin's window (egui, through nice-plug's egui adapter): the parameters the host
//! automates, the Performance file and SoundFont choices, what the piece is doing and what
//! went wrong, and a live piano roll.
//!
//! Runs on the GUI thread. It reaches the audio side only through what is lock-free for the
//! audio thread: parameter changes go through the host (nice-plug's `ParamSetter`), choices
//! through [`Choices`] (one atomic the audio thread reads), and the piece's state comes from
//! [`HostedStatus`](scamp::hosted::HostedStatus) (atomics the audio thread writes, and lists it never touches). Opening,
//! closing and resizing the window change nothing the audio thread uses.

mod file_field;
pub mod roll;

use crate::choices::{Choices, Kind};
use crate::{ScampParams, StatusSlot};
use file_field::FileField;
use nice_plug::context::gui::GuiContext;
use nice_plug_egui::widgets::ParamSlider;
use nice_plug_egui::NiceEguiApp;
use roll::Roll;
use scamp::hosted::PieceState;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// Ctrl-C (SIGINT) in the standalone program, seen by its window, which then closes (the
/// program ends as the headless one does). Registered once the window opens, after the
/// standalone's own handler, which stays in place (the registration chains to it).
fn interrupted() -> &'static Arc<AtomicBool> {
    static FLAG: OnceLock<Arc<AtomicBool>> = OnceLock::new();
    FLAG.get_or_init(|| {
        let flag = Arc::new(AtomicBool::new(false));
        if let Err(e) = signal_hook::flag::register(signal_hook::consts::SIGINT, Arc::clone(&flag))
        {
            log::warn!("Ctrl-C will not close the window: {e}");
        }
        flag
    })
}

/// The window's size, in logical pixels.
pub const WIDTH: u32 = 820;
pub const HEIGHT: u32 = 700;
/// Lines of the piece's messages shown.
const MESSAGES_SHOWN: usize = 8;

/// See the module docs.
pub struct ScampEditor {
    params: Arc<ScampParams>,
    choices: Arc<Choices>,
    status: StatusSlot,
    piece_names: Vec<String>,
    gui: Option<GuiContext>,
    performance: FileField,
    soundfont: FileField,
    roll: Roll,
    /// Performance files chosen so far (choosing one selects the piece that plays it).
    performances_made: u64,
}

impl ScampEditor {
    pub fn new(
        params: Arc<ScampParams>,
        choices: Arc<Choices>,
        status: StatusSlot,
        piece_names: Vec<String>,
    ) -> Self {
        ScampEditor {
            params,
            choices,
            status,
            piece_names,
            gui: None,
            performance: FileField::new(Kind::Performance, "Performance file", "performance files"),
            soundfont: FileField::new(Kind::SoundFont, "SoundFont", "SoundFonts"),
            roll: Roll::default(),
            performances_made: 0,
        }
    }

    /// A Performance file just chosen: select the piece that plays it, through the host (so it
    /// records the change like any other).
    fn follow_performance_choice(&mut self) {
        let made = self.choices.made(Kind::Performance);
        if made == self.performances_made {
            return;
        }
        self.performances_made = made;
        let (Some(gui), false) = (
            self.gui.as_ref(),
            self.choices.current(Kind::Performance).is_empty(),
        ) else {
            return;
        };
        let setter = gui.param_setter();
        let last = self.piece_names.len() as i32 - 1;
        if self.params.piece.value() != last {
            setter.begin_set_parameter(&self.params.piece);
            setter.set_parameter(&self.params.piece, last);
            setter.end_set_parameter(&self.params.piece);
        }
    }

    fn parameters(&self, ui: &mut egui::Ui) {
        let Some(gui) = self.gui.as_ref() else {
            return;
        };
        let setter = gui.param_setter();
        let p = &self.params;
        egui::Grid::new("parameters")
            .num_columns(2)
            .spacing([12.0, 6.0])
            .show(ui, |ui| {
                ui.label("Piece");
                let current = p.piece.value().max(0) as usize;
                let name = |i: usize| self.piece_names.get(i).cloned().unwrap_or_default();
                egui::ComboBox::from_id_salt("piece")
                    .selected_text(name(current))
                    .width(260.0)
                    .show_ui(ui, |ui| {
                        for i in 0..self.piece_names.len() {
                            if ui.selectable_label(i == current, name(i)).clicked() && i != current
                            {
                                setter.begin_set_parameter(&p.piece);
                                setter.set_parameter(&p.piece, i as i32);
                                setter.end_set_parameter(&p.piece);
                            }
                        }
                    });
                ui.end_row();
                ui.label("Seed");
                ui.add(ParamSlider::for_param(&p.seed, &setter).with_width(260.0));
                ui.end_row();
                ui.label("Gain");
                ui.add(ParamSlider::for_param(&p.gain, &setter).with_width(260.0));
                ui.end_row();
                ui.label("Free-run tempo");
                ui.add(ParamSlider::for_param(&p.free_tempo, &setter).with_width(260.0));
                ui.end_row();
            });
    }

    fn files(&mut self, ui: &mut egui::Ui) {
        self.performance.row(ui, &self.choices, 0, |_, _| {});
        self.soundfont.row(ui, &self.choices, 2, |ui, choices| {
            if ui
                .button("General MIDI")
                .on_hover_text("an installed General MIDI font, else the built-in one")
                .clicked()
            {
                choices.choose(Kind::SoundFont, "general_midi".into());
            }
            if ui
                .button("Built-in")
                .on_hover_text("the built-in synthesized font")
                .clicked()
            {
                choices.choose(Kind::SoundFont, String::new());
            }
        });
        ui.weak("The SoundFont plays every part that does not name one.");
        self.performance.details(ui, &self.choices);
        self.soundfont.details(ui, &self.choices);
    }

    fn status(&mut self, ui: &mut egui::Ui) {
        let status = self.status.lock().ok().and_then(|s| s.clone());
        let Some(status) = status else {
            ui.weak("not active: the host has not started the plugin");
            return;
        };
        let (beat, _) = status.playhead();
        ui.horizontal(|ui| {
            let (text, color) = match status.state() {
                PieceState::Idle => ("idle".to_string(), egui::Color32::GRAY),
                PieceState::Playing => ("playing".into(), egui::Color32::from_rgb(20, 110, 40)),
                PieceState::Stopped => ("stopped".into(), egui::Color32::from_rgb(90, 90, 90)),
                PieceState::Failed => ("failed".into(), egui::Color32::from_rgb(190, 20, 20)),
                PieceState::CatchingUp => {
                    let (at, to) = status.catch_up();
                    (
                        format!("catching up to beat {to:.1} (at {at:.1})"),
                        egui::Color32::from_rgb(180, 110, 0),
                    )
                }
            };
            ui.label("State:");
            ui.colored_label(color, egui::RichText::new(text).strong());
            ui.separator();
            ui.label(format!("beat {beat:.2}"));
            ui.separator();
            ui.label(format!("late events {}", status.late_events()));
            ui.separator();
            ui.label(format!("silent blocks {}", status.silent_blocks()));
        });
        if status.state() == PieceState::CatchingUp {
            let (at, to) = status.catch_up();
            if to > 0.0 {
                ui.add(egui::ProgressBar::new((at / to).clamp(0.0, 1.0) as f32).show_percentage());
            }
        }
        ui.horizontal(|ui| {
            ui.label("Block budget used:");
            let load = status.load();
            ui.add(
                egui::ProgressBar::new(load.clamp(0.0, 1.0) as f32)
                    .desired_width(200.0)
                    .text(format!("{:.1} %", load * 100.0)),
            );
        });
        // The piece's reports and the engine's warnings, newest last.
        let mut lines: Vec<(bool, String)> =
            status.messages().into_iter().map(|m| (true, m)).collect();
        lines.extend(
            crate::log_tail::lines()
                .into_iter()
                .map(|l| (l.level == log::Level::Error, l.text)),
        );
        lines.dedup_by(|a, b| a.1 == b.1);
        let start = lines.len().saturating_sub(MESSAGES_SHOWN);
        egui::ScrollArea::vertical()
            .id_salt("messages")
            .max_height(110.0)
            .stick_to_bottom(true)
            .show(ui, |ui| {
                if lines.is_empty() {
                    ui.weak("no warnings or errors");
                }
                for (error, text) in &lines[start..] {
                    let color = if *error {
                        egui::Color32::from_rgb(190, 20, 20)
                    } else {
                        egui::Color32::from_rgb(160, 100, 0)
                    };
                    ui.colored_label(color, text);
                }
            });
        self.roll.update(&status);
    }
}

impl NiceEguiApp for ScampEditor {
    fn build(
        &mut self,
        egui_ctx: egui::Context,
        gui: GuiContext,
        _frame: &mut nice_plug_egui::Frame,
    ) -> Result<(), nice_plug_egui::baseview::HandlerError> {
        egui_ctx.set_visuals(egui::Visuals::light());
        if crate::is_standalone() {
            interrupted();
        }
        self.gui = Some(gui);
        // Choices made before the window opened are not followed again.
        self.performances_made = self.choices.made(Kind::Performance);
        Ok(())
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut nice_plug_egui::Frame) {
        self.follow_performance_choice();
        if crate::is_standalone() && interrupted().load(Ordering::Acquire) {
            ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
        }
        egui::CentralPanel::default().show(ui, |ui| {
            ui.heading("scamp");
            self.parameters(ui);
            ui.separator();
            self.files(ui);
            ui.separator();
            self.status(ui);
            ui.separator();
            ui.label(format!(
                "Piano roll: the last {} beats and the next {} the piece has made",
                roll::PAST_BEATS,
                roll::AHEAD_BEATS
            ));
            let height = (ui.available_height() - 28.0).max(80.0);
            self.roll.show(ui, height);
        });
        // The status and the roll move on their own.
        ui.ctx().request_repaint_after(Duration::from_millis(50));
    }

    fn editor_closed(&mut self) {
        self.gui = None;
    }
}
