//! The editor's live piano roll: the notes of the playing session around the playhead, the
//! last [`PAST_BEATS`] and what the lookahead already knows of the next ones, a colour per
//! part (the palette of the piano-roll PNG) and a legend of part names. Notes of a session
//! that was replaced (a restart after a change) stay, in grey.
//!
//! GUI thread only. Fed from [`HostedStatus::take_roll`] (note-ons and -offs in master beats,
//! as they reach the audio side, ahead of their sound).

use scamp::event::MidiMessage;
use scamp::hosted::{HostedStatus, SESSION_ENDED};
use scamp::render::PartChannels;
use scamp::transcribe::piano_roll::PALETTE;
use std::collections::HashMap;

/// Beats shown before the playhead.
pub const PAST_BEATS: f64 = 8.0;
/// Beats shown after it.
pub const AHEAD_BEATS: f64 = 2.0;
/// Notes kept at most (the oldest go first).
const KEPT: usize = 4096;

#[derive(Debug, Clone, Copy)]
struct RollNote {
    synth: u16,
    channel: u8,
    key: u8,
    start: f64,
    /// None while it sounds.
    end: Option<f64>,
    /// Played by a session since replaced (a restart): drawn grey, as its parts are gone.
    earlier: bool,
}

/// See the module docs.
#[derive(Default)]
pub struct Roll {
    notes: Vec<RollNote>,
    /// (synth, channel, key) → index of the sounding note.
    open: HashMap<(u16, u8, u8), usize>,
    playhead: f64,
    /// Where the last block ended: a note still sounding is drawn up to here.
    playhead_end: f64,
    parts: Vec<PartChannels>,
}

impl Roll {
    /// Takes what arrived since the last frame.
    pub fn update(&mut self, status: &HostedStatus) {
        let (start, end) = status.playhead();
        // A jump (seek, loop wrap, restart): what was shown belongs to another timeline.
        if start < self.playhead - 0.25 || start > self.playhead + PAST_BEATS {
            self.notes.clear();
            self.open.clear();
        }
        self.playhead = start;
        self.playhead_end = end;
        status.take_roll(|e| match e.message {
            _ if e.synth == SESSION_ENDED => {
                for (_, i) in self.open.drain() {
                    self.notes[i].end = Some(e.stamp);
                }
                for n in self.notes.iter_mut() {
                    n.earlier = true;
                }
            }
            MidiMessage::NoteOn {
                channel,
                key,
                velocity,
            } if velocity > 0 => {
                if let Some(i) = self.open.remove(&(e.synth, channel, key)) {
                    self.notes[i].end.get_or_insert(e.stamp);
                }
                self.open.insert((e.synth, channel, key), self.notes.len());
                self.notes.push(RollNote {
                    synth: e.synth,
                    channel,
                    key,
                    start: e.stamp,
                    end: None,
                    earlier: false,
                });
            }
            MidiMessage::NoteOn { channel, key, .. } | MidiMessage::NoteOff { channel, key } => {
                if let Some(i) = self.open.remove(&(e.synth, channel, key)) {
                    self.notes[i].end = Some(e.stamp);
                }
            }
            _ => {}
        });
        let earliest = self.playhead - PAST_BEATS;
        if self.notes.len() > KEPT
            || self
                .notes
                .iter()
                .any(|n| n.end.is_some_and(|e| e < earliest))
        {
            let excess = self.notes.len().saturating_sub(KEPT);
            let mut k = 0;
            self.notes.retain(|n| {
                k += 1;
                k > excess && n.end.is_none_or(|e| e >= earliest)
            });
            self.open.clear();
            for (i, n) in self.notes.iter().enumerate() {
                if n.end.is_none() {
                    self.open.insert((n.synth, n.channel, n.key), i);
                }
            }
        }
        self.parts = status.parts();
    }

    /// Notes in view now (for tests of the editor's model).
    pub fn notes_in_view(&self) -> usize {
        let (from, to) = (self.playhead - PAST_BEATS, self.playhead + AHEAD_BEATS);
        self.notes
            .iter()
            .filter(|n| n.start < to && n.end.is_none_or(|e| e > from))
            .count()
    }

    fn part_of(&self, synth: u16, channel: u8) -> Option<usize> {
        self.parts
            .iter()
            .position(|p| p.owns(synth, channel as u16))
    }

    /// Draws the roll `height` points high across the available width, then the legend.
    pub fn show(&self, ui: &mut egui::Ui, height: f32) {
        let width = ui.available_width();
        let (response, painter) =
            ui.allocate_painter(egui::vec2(width, height), egui::Sense::hover());
        let rect = response.rect;
        painter.rect_filled(rect, 2.0, egui::Color32::from_gray(250));
        let (from, to) = (self.playhead - PAST_BEATS, self.playhead + AHEAD_BEATS);
        let visible: Vec<&RollNote> = self
            .notes
            .iter()
            .filter(|n| n.start < to && n.end.is_none_or(|e| e > from))
            .collect();
        let (mut low, mut high) = visible
            .iter()
            .fold((u8::MAX, 0u8), |(l, h), n| (l.min(n.key), h.max(n.key)));
        if low > high {
            (low, high) = (60, 72);
        }
        let (low, high) = (low.saturating_sub(2) as f32, high.saturating_add(3) as f32);
        let x_of = |beat: f64| rect.left() + ((beat - from) / (to - from)) as f32 * rect.width();
        let row = rect.height() / (high - low).max(1.0);
        let y_of = |key: f32| rect.bottom() - (key - low) * row;
        // A line every beat, darker every fourth.
        let mut beat = from.ceil();
        while beat <= to {
            let strength = if beat.rem_euclid(4.0) == 0.0 { 60 } else { 25 };
            let x = x_of(beat);
            painter.line_segment(
                [egui::pos2(x, rect.top()), egui::pos2(x, rect.bottom())],
                egui::Stroke::new(1.0, egui::Color32::from_black_alpha(strength)),
            );
            beat += 1.0;
        }
        for n in visible {
            let color = match self.part_of(n.synth, n.channel) {
                _ if n.earlier => [200, 200, 200],
                Some(i) => PALETTE[i % PALETTE.len()],
                None => [120, 120, 120],
            };
            let end = n.end.unwrap_or(self.playhead_end).min(to);
            let note = egui::Rect::from_min_max(
                egui::pos2(x_of(n.start.max(from)), y_of(n.key as f32 + 0.5)),
                egui::pos2(x_of(end).max(x_of(n.start) + 2.0), y_of(n.key as f32 - 0.5)),
            );
            painter.rect_filled(
                note,
                1.0,
                egui::Color32::from_rgb(color[0], color[1], color[2]),
            );
        }
        // The playhead.
        let x = x_of(self.playhead);
        painter.line_segment(
            [egui::pos2(x, rect.top()), egui::pos2(x, rect.bottom())],
            egui::Stroke::new(2.0, egui::Color32::from_rgb(200, 30, 30)),
        );
        ui.horizontal_wrapped(|ui| {
            if self.parts.is_empty() {
                ui.weak("no parts yet");
            }
            for (i, part) in self.parts.iter().enumerate() {
                let c = PALETTE[i % PALETTE.len()];
                let (swatch, painter) =
                    ui.allocate_painter(egui::vec2(12.0, 12.0), egui::Sense::hover());
                painter.rect_filled(swatch.rect, 2.0, egui::Color32::from_rgb(c[0], c[1], c[2]));
                ui.label(&part.name);
            }
        });
    }
}
