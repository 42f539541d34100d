//! [`BlockRenderer`]: the consumer end of the event ring and the synths.
//!
//! Invariants:
//! - A stamp maps to an absolute sample, `round(stamp * sample_rate)`, independent of block
//!   boundaries; events are applied in ring order, each at its sample offset (a late one at
//!   the block start, counted in [`late_events`](BlockRenderer::late_events)). So the output
//!   is the same whatever the block sizes. oxisynth renders in 64-sample chunks and applies an
//!   event at the start of the chunk *after* the one that contains it: onsets fall on a 64
//!   sample grid (1.45 ms at 44.1 kHz), the same grid whatever the block size.
//! - [`render`](BlockRenderer::render) does not lock, log, do I/O or allocate (apart from
//!   oxisynth's note-on, see the module docs of [`crate::render`]): the backlog, scratch
//!   buffers and synth list are allocated up front and never grown there.

use crate::error::{Error, Result};
use crate::event::{is_note_event, is_roll_event, AudioEvent, MidiMessage};
use crate::soundfont::SoundFontInfo;
use oxisynth::{MidiEvent, SoundFontId, Synth, SynthDescriptor};
use ringbuf::traits::{Consumer, Producer};
use ringbuf::{HeapCons, HeapProd};
use std::collections::VecDeque;

/// Channels each synth has (oxisynth allows up to 255): the most one part may take.
pub const SYNTH_CHANNELS: u16 = 128;
/// Synths a renderer can hold without allocating.
pub const MAX_SYNTHS: usize = 64;
/// Output gain of each synth: one loud note peaks around -20 dBFS, leaving room for many.
pub const SYNTH_GAIN: f32 = 0.5;
/// Longest stretch rendered in one go; longer blocks are split (no allocation).
const SCRATCH: usize = 4096;
/// Events the backlog holds without allocating.
const BACKLOG: usize = 1 << 16;
/// Events one synth takes in one chunk; a chunk with more for a synth ends early.
const PENDING: usize = 4096;

/// Runs oxisynth's note-on (which allocates: the one documented real-time exception). A host
/// checking allocations on its audio thread (nice-plug's `assert_process_allocs`) installs a
/// guard with [`set_note_on_guard`] that permits allocation inside it.
static NOTE_ON_GUARD: std::sync::OnceLock<fn(&mut dyn FnMut())> = std::sync::OnceLock::new();

/// Installs the note-on guard (once per process; later calls are ignored).
pub fn set_note_on_guard(guard: fn(&mut dyn FnMut())) {
    let _ = NOTE_ON_GUARD.set(guard);
}

/// A synth with its SoundFont loaded, built on the engine side and handed over whole.
pub struct SynthSlot {
    synth: Synth,
    font: SoundFontId,
    /// This synth's share of the chunk being rendered (see [`BlockRenderer`]'s render loop).
    out: (Vec<f32>, Vec<f32>),
    /// The chunk's events for this synth: (sample offset in the chunk, message), in order.
    pending: Vec<(u32, MidiMessage)>,
    /// The synth panicked (a font it cannot play): it stays silent from then on.
    faulted: bool,
    /// The fault has been counted in the renderer's [`BlockRenderer::synth_faults`].
    counted: bool,
}

impl std::fmt::Debug for SynthSlot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SynthSlot")
            .field("faulted", &self.faulted)
            .field("pending", &self.pending.len())
            .finish_non_exhaustive()
    }
}

impl SynthSlot {
    /// A synth for `font` with `channels` channels, reverb and chorus on, voice pool warmed.
    pub fn new(font: &SoundFontInfo, sample_rate: f64, channels: u8) -> Result<SynthSlot> {
        Self::with_font(font.load_for_synth()?, font, sample_rate, channels)
    }

    /// A synth for a font already parsed (and checked) for it; `info` names its presets.
    fn with_font(
        parsed: oxisynth::SoundFont,
        info: &SoundFontInfo,
        sample_rate: f64,
        channels: u8,
    ) -> Result<SynthSlot> {
        let mut synth = Synth::new(SynthDescriptor {
            sample_rate: sample_rate as f32,
            midi_channels: channels.max(16),
            drums_channel_active: false,
            reverb_active: true,
            chorus_active: true,
            gain: SYNTH_GAIN,
            ..Default::default()
        })
        .map_err(|e| Error::Output {
            what: "creating the SoundFont synth".into(),
            reason: format!("{e:?}"),
            source: None,
        })?;
        let id = synth.add_font(parsed, true);
        let mut slot = SynthSlot {
            synth,
            font: id,
            out: (vec![0.0; SCRATCH], vec![0.0; SCRATCH]),
            pending: Vec::with_capacity(PENDING),
            faulted: false,
            counted: false,
        };
        slot.warm_voices(info);
        Ok(slot)
    }

    /// Starts as many voices as the polyphony allows and kills them, so the voice pool is at
    /// full size before the audio side starts.
    fn warm_voices(&mut self, font: &SoundFontInfo) {
        let Some(p) = font
            .presets
            .iter()
            .find(|p| p.bank == 0)
            .or(font.presets.first())
        else {
            return;
        };
        let polyphony = self.synth.polyphony() as usize;
        let channels = self.synth.channel_count().min(16) as u8;
        for c in 0..channels {
            let _ = self
                .synth
                .select_program(c, self.font, p.bank as u32, p.program);
        }
        for i in 0..polyphony {
            let channel = (i / 96) as u8 % channels;
            let key = 16 + (i % 96) as u8;
            let _ = self.synth.send_event(MidiEvent::NoteOn {
                channel,
                key,
                vel: 100,
            });
        }
        for channel in 0..channels {
            let _ = self.synth.send_event(MidiEvent::AllSoundOff { channel });
        }
        let _ = self.synth.send_event(MidiEvent::SystemReset);
        let mut l = [0.0f32; 64];
        let mut r = [0.0f32; 64];
        self.synth.write((&mut l[..], &mut r[..]));
    }

    /// Applies `message`; a synth that panics doing so is muted for good (`faulted`).
    fn apply(&mut self, message: MidiMessage) {
        if !self.faulted {
            let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                self.apply_inner(message)
            }));
            self.faulted = caught.is_err();
        }
    }

    /// Whether the synth has faulted since this was last asked (each fault is told once).
    fn take_new_fault(&mut self) -> bool {
        let new = self.faulted && !self.counted;
        self.counted |= new;
        new
    }

    /// Renders into `left`/`right`; a synth that panics is muted for good (`faulted`) and the
    /// span is silent.
    fn write_into(synth: &mut Synth, faulted: &mut bool, left: &mut [f32], right: &mut [f32]) {
        if !*faulted {
            let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                synth.write((&mut *left, &mut *right))
            }));
            *faulted = caught.is_err();
        }
        if *faulted {
            left.fill(0.0);
            right.fill(0.0);
        }
    }

    /// Renders the first `len` samples of the chunk into `out`, applying the pending events at
    /// their offsets, and empties `pending` (keeping its room). Touches nothing but this slot,
    /// so the synths of a chunk may render on different threads.
    fn render_pending(&mut self, len: usize) {
        let mut cursor = 0;
        for i in 0..self.pending.len() {
            let (offset, message) = self.pending[i];
            let offset = offset as usize;
            if offset > cursor {
                let (l, r) = (
                    &mut self.out.0[cursor..offset],
                    &mut self.out.1[cursor..offset],
                );
                Self::write_into(&mut self.synth, &mut self.faulted, l, r);
                cursor = offset;
            }
            self.apply(message);
        }
        self.pending.clear();
        if len > cursor {
            let (l, r) = (&mut self.out.0[cursor..len], &mut self.out.1[cursor..len]);
            Self::write_into(&mut self.synth, &mut self.faulted, l, r);
        }
    }

    fn apply_inner(&mut self, message: MidiMessage) {
        let event = match message {
            MidiMessage::NoteOn {
                channel,
                key,
                velocity,
            } => MidiEvent::NoteOn {
                channel,
                key,
                vel: velocity,
            },
            MidiMessage::NoteOff { channel, key } => MidiEvent::NoteOff { channel, key },
            MidiMessage::PitchBend { channel, value } => MidiEvent::PitchBend {
                channel,
                value: (value as i32 + 8192).clamp(0, 16383) as u16,
            },
            MidiMessage::ControlChange {
                channel,
                controller,
                value,
            } => MidiEvent::ControlChange {
                channel,
                ctrl: controller,
                value,
            },
            MidiMessage::ProgramChange {
                channel,
                bank,
                program,
            } => {
                let _ = self
                    .synth
                    .select_program(channel, self.font, bank as u32, program);
                return;
            }
        };
        if let (MidiEvent::NoteOn { .. }, Some(guard)) = (event, NOTE_ON_GUARD.get()) {
            let synth = &mut self.synth;
            guard(&mut || {
                let _ = synth.send_event(event);
            });
        } else {
            let _ = self.synth.send_event(event);
        }
    }
}

/// The audio side's renderer: every method is real-time safe (see the module docs). What
/// may allocate lives on [`OfflineRenderer`], which a real-time caller never holds.
pub struct BlockRenderer {
    sample_rate: f64,
    position: u64,
    events: HeapCons<AudioEvent>,
    new_synths: HeapCons<Box<SynthSlot>>,
    synths: Vec<Box<SynthSlot>>,
    backlog: VecDeque<AudioEvent>,
    /// Renders a chunk's synths in parallel (offline only, see [`OfflineRenderer::use_threads`]);
    /// without it they render one after the other on the calling thread.
    pool: Option<rayon::ThreadPool>,
    late: u64,
    dropped: u64,
    applied: u64,
    /// Synths that panicked (and were muted).
    faults: u64,
    /// Sounding keys per (synth, channel): synth * 256 + channel → bit per key.
    sounding: Vec<u128>,
    /// Where a copy of each note-on and note-off goes as it arrives, ahead of its sample (an
    /// editor's piano roll); a full ring drops the copy, never the note.
    tap: Option<HeapProd<AudioEvent>>,
}

impl std::fmt::Debug for BlockRenderer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BlockRenderer")
            .field("sample_rate", &self.sample_rate)
            .field("position", &self.position)
            .field("synths", &self.synths.len())
            .field(
                "threads",
                &self
                    .pool
                    .as_ref()
                    .map_or(1, |p| p.current_num_threads() + 1),
            )
            .field("late", &self.late)
            .field("applied", &self.applied)
            .finish_non_exhaustive()
    }
}

impl BlockRenderer {
    pub(crate) fn new(
        sample_rate: f64,
        events: HeapCons<AudioEvent>,
        new_synths: HeapCons<Box<SynthSlot>>,
    ) -> Self {
        BlockRenderer {
            sample_rate,
            position: 0,
            events,
            new_synths,
            synths: Vec::with_capacity(MAX_SYNTHS),
            backlog: VecDeque::with_capacity(BACKLOG),
            pool: None,
            late: 0,
            dropped: 0,
            applied: 0,
            faults: 0,
            sounding: vec![0; MAX_SYNTHS * 256],
            tap: None,
        }
    }

    /// Sends a copy of every note-on and note-off to `tap` as it arrives (those already
    /// waiting first), until [`detach_tap`](Self::detach_tap). Never allocates.
    pub fn attach_tap(&mut self, mut tap: HeapProd<AudioEvent>) {
        for event in self.backlog.iter() {
            if is_roll_event(&event.message) {
                let _ = tap.try_push(*event);
            }
        }
        self.tap = Some(tap);
    }

    /// Takes the tap back (to hand it to the next renderer). Never frees.
    pub fn detach_tap(&mut self) -> Option<HeapProd<AudioEvent>> {
        self.tap.take()
    }

    /// A renderer that plays a recorded event list on fresh synths (one per font, in synth
    /// order): the synthesis alone, without the engine that produced the events.
    pub fn for_events(
        sample_rate: f64,
        synth_fonts: &[SoundFontInfo],
        events: Vec<AudioEvent>,
    ) -> Result<Self> {
        let (_, events_cons) = ringbuf::traits::Split::split(ringbuf::HeapRb::<AudioEvent>::new(1));
        let (_, synth_cons) =
            ringbuf::traits::Split::split(ringbuf::HeapRb::<Box<SynthSlot>>::new(1));
        let mut r = BlockRenderer::new(sample_rate, events_cons, synth_cons);
        for font in synth_fonts {
            r.synths.push(Box::new(SynthSlot::new(
                font,
                sample_rate,
                SYNTH_CHANNELS as u8,
            )?));
        }
        r.backlog = events.into();
        Ok(r)
    }

    /// Whether recorded or received events are still waiting to be applied.
    pub fn has_pending_events(&self) -> bool {
        !self.backlog.is_empty()
    }

    /// The sample rate it renders at.
    pub fn sample_rate(&self) -> f64 {
        self.sample_rate
    }

    /// Samples rendered so far.
    pub fn position(&self) -> u64 {
        self.position
    }

    /// Master time at the end of what has been rendered.
    pub fn time(&self) -> f64 {
        self.position as f64 / self.sample_rate
    }

    /// Events that arrived after their sample had been rendered (applied at a block start).
    pub fn late_events(&self) -> u64 {
        self.late
    }

    /// Events applied so far.
    pub fn events_applied(&self) -> u64 {
        self.applied
    }

    /// Synths that panicked while rendering or applying an event (each is muted from then
    /// on; the rest play on). A font that passes validation should never do this.
    pub fn synth_faults(&self) -> u64 {
        self.faults
    }

    /// Events for a synth that never arrived (should stay 0).
    pub fn events_dropped(&self) -> u64 {
        self.dropped
    }

    /// Earliest stamp waiting, if any (after taking what is in the ring).
    pub fn next_stamp(&mut self) -> Option<f64> {
        self.take_from_ring();
        self.backlog.front().map(|e| e.stamp)
    }

    /// Drops the notes (note-ons, -offs, bends, expression) stamped before `stamp` that have
    /// arrived, applying everything else (programs, controllers) so the synths are set up:
    /// what a piece produced while catching up to a position the audio has already passed.
    /// Never allocates.
    pub fn discard_notes_before(&mut self, stamp: f64) {
        loop {
            self.take_from_ring();
            let mut progressed = false;
            while let Some(&event) = self.backlog.front() {
                if event.stamp >= stamp {
                    break;
                }
                self.backlog.pop_front();
                progressed = true;
                if !is_note_event(&event.message) {
                    self.apply(event);
                }
            }
            if !progressed || self.backlog.front().is_some_and(|e| e.stamp >= stamp) {
                return;
            }
        }
    }

    /// Moves what the ring holds into the backlog as far as it has room (never allocates).
    pub fn take_arrived(&mut self) {
        self.take_from_ring();
    }

    fn take_from_ring(&mut self) {
        while self.backlog.len() < self.backlog.capacity() {
            match self.events.try_pop() {
                Some(e) => {
                    if let Some(tap) = self.tap.as_mut() {
                        if is_roll_event(&e.message) {
                            let _ = tap.try_push(e);
                        }
                    }
                    self.backlog.push_back(e)
                }
                None => break,
            }
        }
    }

    /// Renders the next `left.len()` samples (both slices the same length) of stereo audio,
    /// stamps being seconds of ideal time.
    pub fn render(&mut self, left: &mut [f32], right: &mut [f32]) {
        let sr = self.sample_rate;
        self.render_mapped(left, right, |stamp| (stamp * sr).round(), &mut |_, _, _| {});
    }

    /// Renders the next block when stamps are master beats and a host owns the tempo: the
    /// block starts at `start_beat` and runs at `tempo` bpm. Every message applied is also
    /// handed to `midi_out` with its sample offset in the block and its synth (so a plugin
    /// can send the same notes to its host at the same samples).
    pub fn render_beats(
        &mut self,
        left: &mut [f32],
        right: &mut [f32],
        start_beat: f64,
        tempo: f64,
        midi_out: &mut dyn FnMut(usize, u16, MidiMessage),
    ) {
        let samples_per_beat = 60.0 / tempo.max(1e-6) * self.sample_rate;
        let start = self.position as f64;
        self.render_mapped(
            left,
            right,
            |beat| start + ((beat - start_beat) * samples_per_beat).round(),
            midi_out,
        );
    }

    /// The render loop: `to_sample` gives each stamp's absolute sample (fractional allowed).
    /// The block goes in chunks of at most [`SCRATCH`] samples: the chunk's events are handed
    /// to their synths ([`route_chunk`](Self::route_chunk)), every synth renders its share
    /// with its own events, and the shares are summed in synth order. Each synth hears its
    /// events at the same samples and the sum is made in the same order whether the synths
    /// ran on one thread or many, so the output is the same at any thread count.
    fn render_mapped(
        &mut self,
        left: &mut [f32],
        right: &mut [f32],
        to_sample: impl Fn(f64) -> f64,
        midi_out: &mut dyn FnMut(usize, u16, MidiMessage),
    ) {
        let n = left.len().min(right.len());
        self.take_from_ring();
        let block_start = self.position;
        let mut done = 0;
        while done < n {
            let len = self.route_chunk(
                (n - done).min(SCRATCH),
                block_start,
                done,
                &to_sample,
                midi_out,
            );
            self.render_chunk(len);
            self.mix(&mut left[done..done + len], &mut right[done..done + len]);
            self.position += len as u64;
            done += len;
        }
    }

    /// Moves the events that fall in the next `len` samples from the backlog to their synths'
    /// pending lists, and returns the chunk's length: `len`, or less when a synth's list is
    /// full (the chunk then ends at that event, which opens the next one). `done` is the
    /// chunk's offset in the block, which started at sample `block_start`.
    fn route_chunk(
        &mut self,
        len: usize,
        block_start: u64,
        done: usize,
        to_sample: &impl Fn(f64) -> f64,
        midi_out: &mut dyn FnMut(usize, u16, MidiMessage),
    ) -> usize {
        let start = self.position;
        let end = start + len as u64;
        let mut cursor = 0usize;
        while let Some(&event) = self.backlog.front() {
            let sample = to_sample(event.stamp).max(0.0) as u64;
            if sample >= end {
                break;
            }
            let offset = if sample < start + cursor as u64 {
                cursor
            } else {
                (sample - start) as usize
            };
            let index = event.synth as usize;
            self.take_new_synths(index);
            if self
                .synths
                .get(index)
                .is_some_and(|slot| slot.pending.len() == slot.pending.capacity())
            {
                return offset;
            }
            self.backlog.pop_front();
            if sample < block_start {
                self.late += 1;
            }
            cursor = offset;
            if self.track(event.synth, event.message) {
                midi_out(done + offset, event.synth, event.message);
            }
            match self.synths.get_mut(index) {
                Some(slot) => {
                    slot.pending.push((offset as u32, event.message));
                    self.applied += 1;
                }
                None => self.dropped += 1,
            }
            if self.backlog.is_empty() {
                self.take_from_ring();
            }
        }
        len
    }

    /// Every synth renders its share of the chunk, on the pool when there is one.
    fn render_chunk(&mut self, len: usize) {
        match &self.pool {
            Some(pool) if self.synths.len() > 1 => {
                // The calling thread renders the first synth itself (one hand-over fewer).
                let (first, rest) = self.synths.split_first_mut().expect("two synths or more");
                pool.in_place_scope(|scope| {
                    for slot in rest.iter_mut() {
                        scope.spawn(move |_| slot.render_pending(len));
                    }
                    first.render_pending(len);
                });
            }
            _ => {
                for slot in self.synths.iter_mut() {
                    slot.render_pending(len);
                }
            }
        }
        self.count_faults();
    }

    /// Counts the synths that have panicked since the last count (each once).
    fn count_faults(&mut self) {
        for slot in self.synths.iter_mut() {
            self.faults += slot.take_new_fault() as u64;
        }
    }

    /// Sums the synths' shares of the chunk into `left`/`right`, in synth order.
    fn mix(&mut self, left: &mut [f32], right: &mut [f32]) {
        let len = left.len();
        let Some((first, rest)) = self.synths.split_first() else {
            left.fill(0.0);
            right.fill(0.0);
            return;
        };
        left.copy_from_slice(&first.out.0[..len]);
        right.copy_from_slice(&first.out.1[..len]);
        for slot in rest {
            for i in 0..len {
                left[i] += slot.out.0[i];
                right[i] += slot.out.1[i];
            }
        }
    }

    /// Keeps the sounding-note table; false for a note-off of a note that is not sounding
    /// (not worth sending anywhere).
    fn track(&mut self, synth: u16, message: MidiMessage) -> bool {
        let slot = |channel: u8| synth as usize * 256 + channel as usize;
        match message {
            MidiMessage::NoteOn {
                channel,
                key,
                velocity,
            } if velocity > 0 => {
                if let Some(bits) = self.sounding.get_mut(slot(channel)) {
                    *bits |= 1u128 << (key & 0x7F);
                }
                true
            }
            MidiMessage::NoteOn { channel, key, .. } | MidiMessage::NoteOff { channel, key } => {
                match self.sounding.get_mut(slot(channel)) {
                    Some(bits) if *bits & (1u128 << (key & 0x7F)) != 0 => {
                        *bits &= !(1u128 << (key & 0x7F));
                        true
                    }
                    _ => false,
                }
            }
            _ => true,
        }
    }

    /// Ends every sounding note now (before the next block): note-offs to the synths, and to
    /// `midi_out` at offset 0. For a transport stop or jump.
    pub fn end_all_notes(&mut self, midi_out: &mut dyn FnMut(usize, u16, MidiMessage)) {
        for i in 0..self.sounding.len() {
            let mut bits = self.sounding[i];
            while bits != 0 {
                let key = bits.trailing_zeros() as u8;
                bits &= bits - 1;
                let (synth, channel) = ((i / 256) as u16, (i % 256) as u8);
                let message = MidiMessage::NoteOff { channel, key };
                midi_out(0, synth, message);
                self.apply(AudioEvent {
                    stamp: 0.0,
                    synth,
                    message,
                });
            }
            self.sounding[i] = 0;
        }
    }

    /// Number of notes sounding now.
    pub fn notes_sounding(&self) -> usize {
        self.sounding.iter().map(|b| b.count_ones() as usize).sum()
    }

    /// Takes the synths the engine has sent, up to the one numbered `index` (never allocates:
    /// the list has room for [`MAX_SYNTHS`]).
    fn take_new_synths(&mut self, index: usize) {
        while self.synths.len() <= index && self.synths.len() < self.synths.capacity() {
            match self.new_synths.try_pop() {
                Some(s) => self.synths.push(s),
                None => break,
            }
        }
    }

    /// Applies `event` to its synth now (between blocks: a transport stop, a seek).
    fn apply(&mut self, event: AudioEvent) {
        let index = event.synth as usize;
        self.take_new_synths(index);
        match self.synths.get_mut(index) {
            Some(slot) => {
                slot.apply(event.message);
                self.faults += slot.take_new_fault() as u64;
                self.applied += 1;
            }
            None => self.dropped += 1,
        }
    }
}

/// A [`BlockRenderer`] for an offline render, which may also grow its backlog without bound
/// ([`absorb`](Self::absorb)): the engine can then keep pushing while the renderer waits for
#[derive(Debug)]
/// it. Owned by the thread that renders offline; the real-time paths (plugin, `--realtime`)
/// hold a plain `BlockRenderer` and so cannot call it.
pub struct OfflineRenderer(BlockRenderer);

impl OfflineRenderer {
    /// An offline renderer around `renderer`.
    pub fn new(renderer: BlockRenderer) -> Self {
        OfflineRenderer(renderer)
    }

    /// Moves everything in the ring into the backlog, growing it if needed (allocates).
    pub fn absorb(&mut self) {
        while let Some(e) = self.0.events.try_pop() {
            self.0.backlog.push_back(e);
        }
    }

    /// Renders the synths of each chunk on `threads` threads, the calling thread one of them
    /// (1: on the calling thread alone). The audio is the same at any count.
    pub fn use_threads(&mut self, threads: usize) -> Result<()> {
        self.0.pool = match threads {
            0 | 1 => None,
            n => Some(
                rayon::ThreadPoolBuilder::new()
                    .num_threads(n - 1)
                    .thread_name(|i| format!("scamp-synth-{i}"))
                    .build()
                    .map_err(|e| Error::Resource {
                        what: "the synth threads",
                        reason: e.to_string(),
                    })?,
            ),
        };
        Ok(())
    }

    /// The plain renderer back.
    pub fn into_inner(self) -> BlockRenderer {
        self.0
    }
}

impl std::ops::Deref for OfflineRenderer {
    type Target = BlockRenderer;
    fn deref(&self) -> &BlockRenderer {
        &self.0
    }
}

impl std::ops::DerefMut for OfflineRenderer {
    fn deref_mut(&mut self) -> &mut BlockRenderer {
        &mut self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::soundfont::validate::defective;

    fn note(stamp: f64, on: bool) -> AudioEvent {
        let message = if on {
            MidiMessage::NoteOn {
                channel: 0,
                key: 60,
                velocity: 100,
            }
        } else {
            MidiMessage::NoteOff {
                channel: 0,
                key: 60,
            }
        };
        AudioEvent {
            stamp,
            synth: 0,
            message,
        }
    }

    /// Validation keeps such fonts out; this is the line behind it: a synth that panics
    /// while rendering is muted and counted, and the renderer goes on.
    #[test]
    fn a_synth_that_panics_while_rendering_is_muted_and_counted() {
        let sr = 44_100.0;
        let info = SoundFontInfo::resolve("default").unwrap();
        let bytes = defective::samples_past_the_data();
        let unchecked = oxisynth::SoundFont::load(&mut std::io::Cursor::new(&bytes[..]))
            .expect("oxisynth itself accepts the font");
        let events = vec![note(0.01, true), note(0.2, false), note(0.3, true)];
        let mut r = BlockRenderer::for_events(sr, &[], events).unwrap();
        r.synths.push(Box::new(
            SynthSlot::with_font(unchecked, &info, sr, 16).unwrap(),
        ));
        let (mut l, mut rr) = (vec![1.0f32; 512], vec![1.0f32; 512]);
        for i in 0..40 {
            r.render(&mut l, &mut rr);
            let peak = l.iter().chain(&rr).fold(0.0f32, |m, x| m.max(x.abs()));
            assert!(peak < 1e-4, "block {i}: peak {peak}");
        }
        assert_eq!(r.synth_faults(), 1);
        assert!(!r.has_pending_events());

        // The same notes on the embedded font play.
        let mut good = BlockRenderer::for_events(sr, &[info], vec![note(0.01, true)]).unwrap();
        let mut loud = 0.0f32;
        for _ in 0..20 {
            good.render(&mut l, &mut rr);
            loud = loud.max(l.iter().fold(0.0, |m, x| m.max(x.abs())));
        }
        assert!(loud > 0.01, "peak {loud}");
        assert_eq!(good.synth_faults(), 0);
    }
}
