//! [`Timeline`]: where each block starts on the master clock, from what the host reports.
//!
//! Hosts round their positions: Ardour to 1/1920 beat (its ticks), others to whole samples or
//! to a ppq value computed from them, and a tempo ramp inside a block moves the next block's
//! position away from "start + length × tempo". None of that is a jump. So the timeline keeps
//! its own position, integrated block by block (trapezoidal over the tempo the host reports at
//! each block start, exact for constant tempo and linear ramps), and compares it with the
//! host's:
//! - within [`ROUNDING_BEATS`] (plus two samples), the host's value is its rounding of ours: we
//!   keep ours, so notes land on the samples exact positions give;
//! - beyond that, but within the jump tolerance (1/32 beat or 20 ms, the larger), the host is
//!   drifting from us (a ramp, a host that integrates differently): we re-anchor on it
//!   silently, the piece plays on;
//! - beyond the jump tolerance it is a jump (a seek, a loop wrap, the playhead moved).
//!
//! A host that reports a position without a tempo gets a tempo estimated from its positions;
//! tempo 0 (or none at all, or not finite) falls back to that estimate or the free-run tempo.
//! Without a position the timeline free-runs on its own. Audio thread only; pure arithmetic.

/// Host positions this close to ours are taken as the host's rounding of ours.
pub const ROUNDING_BEATS: f64 = 1.0 / 960.0;
/// A difference of at least this many beats (or [`JUMP_SECONDS`]) is a jump.
pub const JUMP_BEATS: f64 = 1.0 / 32.0;
/// See [`JUMP_BEATS`].
pub const JUMP_SECONDS: f64 = 0.02;

/// How a block's position relates to the previous block's.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Continuity {
    /// The first block, or the first with a position after free-running.
    Start,
    /// Where the previous block ended (up to the host's rounding).
    Continuous,
    /// Close to where the previous block ended: adopted without a restart.
    Reanchored,
    /// Somewhere else: a seek, a loop wrap, a moved playhead.
    Jump,
}

/// A block's place on the master clock.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BlockTime {
    /// Master beat at the block's first sample.
    pub beat: f64,
    /// Tempo (bpm) through the block.
    pub tempo: f64,
    /// Beats the block lasts (0 when stopped).
    pub beats: f64,
    /// Whether this block follows the last one or the playhead jumped.
    pub continuity: Continuity,
}

impl BlockTime {
    /// Master beat at the block's end.
    pub fn end(&self) -> f64 {
        self.beat + self.beats
    }
}

#[derive(Debug, Clone, Copy)]
struct Previous {
    beat: f64,
    tempo: f64,
    seconds: f64,
    playing: bool,
    /// Whether the host reported the position (not our free-running one).
    hosted: bool,
    /// The position the host reported.
    host: f64,
}

/// See the module docs.
#[derive(Debug, Clone, Default)]
pub struct Timeline {
    previous: Option<Previous>,
    /// Tempo measured from the host's positions when it reports none.
    estimated_tempo: Option<f64>,
}

fn valid_tempo(t: Option<f64>) -> Option<f64> {
    t.filter(|t| t.is_finite() && *t > 0.0)
}

impl Timeline {
    /// A timeline that has seen no block yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Places a block of `samples` at `sample_rate` that the host describes with `playing`,
    /// `tempo` and `beat` (its position at the block's first sample).
    pub fn place(
        &mut self,
        playing: bool,
        tempo: Option<f64>,
        beat: Option<f64>,
        samples: usize,
        sample_rate: f64,
        free_tempo: f64,
    ) -> BlockTime {
        let seconds = samples as f64 / sample_rate;
        let host_beat = beat.filter(|b| b.is_finite());
        let host_tempo = valid_tempo(tempo);
        let tempo = host_tempo
            .or(self.estimated_tempo.filter(|_| host_beat.is_some()))
            .unwrap_or(free_tempo);
        let previous = self.previous;
        // Where the previous block says this one starts.
        let expected = previous.map(|p| {
            if p.playing {
                p.beat + p.seconds * (p.tempo + tempo) / 2.0 / 60.0
            } else {
                p.beat
            }
        });
        let (beat, continuity) = match (host_beat, expected) {
            (Some(host), Some(ours)) if previous.is_some_and(|p| p.hosted) => {
                let dev = (host - ours).abs();
                let two_samples = 2.0 / sample_rate * tempo / 60.0;
                let jump = JUMP_BEATS.max(JUMP_SECONDS * tempo / 60.0);
                if dev <= ROUNDING_BEATS + two_samples {
                    (ours, Continuity::Continuous)
                } else if dev < jump {
                    (host, Continuity::Reanchored)
                } else {
                    (host, Continuity::Jump)
                }
            }
            (Some(host), _) => (host, Continuity::Start),
            (None, Some(ours)) => (ours, Continuity::Continuous),
            (None, None) => (0.0, Continuity::Start),
        };
        // A host with positions but no tempo: measure its tempo from playing blocks that
        // follow each other.
        if let (None, Some(host), Some(p)) = (host_tempo, host_beat, previous) {
            if p.playing && p.hosted && continuity != Continuity::Jump {
                let measured = (host - p.host) / p.seconds.max(1e-9) * 60.0;
                if (1.0..=2000.0).contains(&measured) {
                    self.estimated_tempo = Some(measured);
                }
            }
        }
        let beats = if playing { seconds * tempo / 60.0 } else { 0.0 };
        self.previous = Some(Previous {
            beat,
            tempo,
            seconds,
            playing,
            hosted: host_beat.is_some(),
            host: host_beat.unwrap_or(beat),
        });
        BlockTime {
            beat,
            tempo,
            beats,
            continuity,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SR: f64 = 48_000.0;

    /// Places `blocks` blocks of 512 samples whose host position is `host(i)`.
    fn run(tempo: Option<f64>, host: impl Fn(usize) -> f64, blocks: usize) -> Vec<BlockTime> {
        let mut t = Timeline::new();
        (0..blocks)
            .map(|i| t.place(true, tempo, Some(host(i)), 512, SR, 120.0))
            .collect()
    }

    #[test]
    fn positions_rounded_to_ardour_ticks_are_the_exact_timeline() {
        for bpm in [60.0, 90.0, 120.0, 137.0] {
            // 512 samples at 48 kHz: 0.010667 s per block.
            let exact = |i: usize| i as f64 * 512.0 / 48_000.0 * bpm / 60.0;
            let blocks = run(Some(bpm), |i| (exact(i) * 1920.0).round() / 1920.0, 2000);
            for (i, b) in blocks.iter().enumerate().skip(1) {
                assert_eq!(b.continuity, Continuity::Continuous, "{bpm} bpm block {i}");
                assert!((b.beat - exact(i)).abs() < 1e-9, "{bpm} bpm block {i}");
            }
        }
    }

    #[test]
    fn positions_from_whole_samples_are_continuous() {
        // 137 bpm at 44.1 kHz with a host that rounds the position to whole samples first.
        let blocks = run(
            Some(137.0),
            |i| (i as f64 * 512.0).round() / 48_000.0 * 137.0 / 60.0,
            500,
        );
        assert!(blocks[1..]
            .iter()
            .all(|b| b.continuity == Continuity::Continuous));
    }

    #[test]
    fn a_tempo_ramp_is_followed_without_a_jump() {
        // 60 → 180 bpm over 8 s, the host reporting the tempo at each block start and the
        // exact integral as position.
        let mut t = Timeline::new();
        let seconds = 512.0 / SR;
        let tempo_at = |s: f64| 60.0 + 15.0 * s.min(8.0);
        let beat_at = |s: f64| {
            let r = s.min(8.0);
            (60.0 * r + 7.5 * r * r) / 60.0 + (s - r) * 180.0 / 60.0
        };
        for i in 0..1500 {
            let s = i as f64 * seconds;
            let b = t.place(true, Some(tempo_at(s)), Some(beat_at(s)), 512, SR, 120.0);
            assert_ne!(b.continuity, Continuity::Jump, "block {i}");
            assert!(
                (b.beat - beat_at(s)).abs() < 2.0 * ROUNDING_BEATS,
                "block {i}"
            );
        }
    }

    #[test]
    fn seeks_and_loop_wraps_are_jumps() {
        let mut t = Timeline::new();
        let b0 = t.place(true, Some(120.0), Some(0.0), 512, SR, 120.0);
        assert_eq!(b0.continuity, Continuity::Start);
        let step = 512.0 / SR * 2.0;
        t.place(true, Some(120.0), Some(step), 512, SR, 120.0);
        let wrap = t.place(true, Some(120.0), Some(0.0), 512, SR, 120.0);
        assert_eq!(wrap.continuity, Continuity::Jump);
        let seek = t.place(true, Some(120.0), Some(16.0), 512, SR, 120.0);
        assert_eq!(seek.continuity, Continuity::Jump);
        assert_eq!(seek.beat, 16.0);
    }

    #[test]
    fn a_small_drift_is_adopted_without_a_restart() {
        let mut t = Timeline::new();
        t.place(true, Some(120.0), Some(0.0), 512, SR, 120.0);
        let expected = 512.0 / SR * 2.0;
        let b = t.place(true, Some(120.0), Some(expected + 0.01), 512, SR, 120.0);
        assert_eq!(b.continuity, Continuity::Reanchored);
        assert_eq!(b.beat, expected + 0.01);
    }

    #[test]
    fn tempo_zero_or_missing_with_a_moving_position_is_measured_not_a_jump() {
        for tempo in [Some(0.0), None, Some(f64::NAN)] {
            // The host moves at 90 bpm but reports no usable tempo.
            let blocks = run(tempo, |i| i as f64 * 512.0 / SR * 1.5, 400);
            let jumps = blocks
                .iter()
                .filter(|b| b.continuity == Continuity::Jump)
                .count();
            assert!(jumps <= 1, "{tempo:?}: {jumps} jumps");
            let last = blocks.last().unwrap();
            assert!(
                (last.tempo - 90.0).abs() < 1e-6,
                "{tempo:?}: {}",
                last.tempo
            );
        }
    }

    #[test]
    fn stopped_blocks_stand_still_and_a_moved_playhead_is_a_jump() {
        let mut t = Timeline::new();
        t.place(false, Some(120.0), Some(4.0), 512, SR, 120.0);
        let still = t.place(false, Some(120.0), Some(4.0), 512, SR, 120.0);
        assert_eq!(still.continuity, Continuity::Continuous);
        assert_eq!(still.beats, 0.0);
        let moved = t.place(false, Some(120.0), Some(8.0), 512, SR, 120.0);
        assert_eq!(moved.continuity, Continuity::Jump);
    }

    #[test]
    fn without_a_position_it_free_runs() {
        let mut t = Timeline::new();
        let blocks: Vec<_> = (0..10)
            .map(|_| t.place(true, None, None, 480, SR, 120.0))
            .collect();
        assert!((blocks[9].beat - 9.0 * 0.02).abs() < 1e-12);
        assert!(blocks[1..]
            .iter()
            .all(|b| b.continuity == Continuity::Continuous));
    }
}
