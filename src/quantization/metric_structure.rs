//! Metric structures: how pulses group into beats and beats into measures (SCAMP's
//! `MetricStructure`), and the depth of each pulse in that hierarchy — 0 for the downbeat, 1
//! for the start of each top-level group, and so on down. A measure's beat depths decide where
//! the score may break a note into tied pieces. Built as SCAMP builds them, so that the same
//! measure gives the same depths: groups multiply (`2*3` is two groups of three), groups
//! larger than 3 are broken into 2s and a final 3 (Barlow's way), and a nesting of one group
//! is the group. Pure values; any thread.

/// One group of a [`MetricStructure`]: a run of pulses, or a nested structure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MetricGroup {
    /// This many pulses.
    Pulses(u32),
    /// A structure of its own.
    Nested(MetricStructure),
}

/// Groups of pulses added together (SCAMP's `MetricStructure(2, 3, 2)`), each of which may be
/// a structure itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetricStructure {
    groups: Vec<MetricGroup>,
}

impl MetricStructure {
    /// The structure of `groups` added together; `break_up_large_numbers` splits any group of
    /// more than 3 pulses into 2s and a final 3.
    pub fn new(groups: Vec<MetricGroup>, break_up_large_numbers: bool) -> MetricStructure {
        let mut s = MetricStructure { groups };
        if break_up_large_numbers {
            s.break_up_large_numbers();
        }
        s.remove_redundant_nesting();
        s
    }

    /// Groups of these many pulses, added.
    pub fn from_pulses(groups: &[u32]) -> MetricStructure {
        Self::new(
            groups.iter().map(|&n| MetricGroup::Pulses(n)).collect(),
            false,
        )
    }

    /// The product of `factors` (SCAMP's `from_string("2*2*3", True)`): each pulse of the first
    /// factor holds the structure of the rest. No factors: one pulse.
    pub fn from_product(factors: &[u32]) -> MetricStructure {
        let mut layers = factors
            .iter()
            .map(|&f| Self::new(vec![MetricGroup::Pulses(f)], true));
        let Some(first) = layers.next() else {
            return Self::from_pulses(&[1]);
        };
        let product = layers.fold(first, |acc, layer| acc.times(&layer));
        Self::new(vec![MetricGroup::Nested(product)], true)
    }

    /// The groups, in order.
    pub fn groups(&self) -> &[MetricGroup] {
        &self.groups
    }

    /// How many pulses it has in all.
    pub fn num_pulses(&self) -> usize {
        self.groups
            .iter()
            .map(|g| match g {
                MetricGroup::Pulses(n) => *n as usize,
                MetricGroup::Nested(s) => s.num_pulses(),
            })
            .sum()
    }

    /// Each group with `other` inscribed in its every pulse (SCAMP's `__mul__`).
    fn times(&self, other: &MetricStructure) -> MetricStructure {
        let groups = self
            .groups
            .iter()
            .map(|g| match g {
                MetricGroup::Pulses(1) => MetricGroup::Nested(other.clone()),
                MetricGroup::Pulses(n) => MetricGroup::Nested(Self::new(
                    vec![MetricGroup::Nested(other.clone()); *n as usize],
                    false,
                )),
                MetricGroup::Nested(s) => MetricGroup::Nested(s.times(other)),
            })
            .collect();
        Self::new(groups, false)
    }

    fn break_up_large_numbers(&mut self) {
        for g in &mut self.groups {
            match g {
                MetricGroup::Pulses(n) if *n > 3 => {
                    *g = MetricGroup::Nested(Self::from_pulses(&twos_and_threes(*n)));
                }
                MetricGroup::Pulses(_) => {}
                MetricGroup::Nested(s) => s.break_up_large_numbers(),
            }
        }
    }

    fn remove_redundant_nesting(&mut self) {
        if let [MetricGroup::Nested(only)] = self.groups.as_slice() {
            self.groups = only.groups.clone();
            self.remove_redundant_nesting();
            return;
        }
        for g in &mut self.groups {
            if let MetricGroup::Nested(s) = g {
                s.remove_redundant_nesting();
                if let [MetricGroup::Pulses(n)] = s.groups.as_slice() {
                    *g = MetricGroup::Pulses(*n);
                }
            }
        }
    }

    /// The structure with each of its pulses replaced by the next of `layers` (SCAMP's
    /// `_inscribe_beats`): beats grouped by this structure, each divided as its layer says.
    /// `layers` must have one entry per pulse.
    pub(crate) fn inscribe(&self, layers: &[MetricStructure]) -> MetricStructure {
        debug_assert_eq!(layers.len(), self.num_pulses());
        let mut rest = layers;
        let groups = self
            .groups
            .iter()
            .map(|g| {
                let n = match g {
                    MetricGroup::Pulses(n) => *n as usize,
                    MetricGroup::Nested(s) => s.num_pulses(),
                };
                let (mine, after) = rest.split_at(n.min(rest.len()));
                rest = after;
                MetricGroup::Nested(match g {
                    MetricGroup::Pulses(_) => Self::new(
                        mine.iter().cloned().map(MetricGroup::Nested).collect(),
                        false,
                    ),
                    MetricGroup::Nested(s) => s.inscribe(mine),
                })
            })
            .collect();
        Self::new(groups, false)
    }

    /// How deep each pulse sits in the hierarchy: 0 for the first, 1 for the start of each
    /// top-level group, and so on (SCAMP's `get_beat_depths`).
    pub fn beat_depths(&self) -> Vec<u32> {
        let mut nested = Nest::List(self.backward_beat_groups());
        nested.normalize_depth();
        let mut nested = match nested {
            Nest::List(mut items) if items.len() == 1 && matches!(items[0], Nest::List(_)) => {
                match items.pop() {
                    Some(Nest::List(inner)) => inner,
                    _ => unreachable!("matched as a list above"),
                }
            }
            Nest::List(items) => items,
            Nest::Leaf(_) => unreachable!("built as a list"),
        };
        let count: usize = nested.iter().map(Nest::count).sum();
        let mut depths: Vec<Option<u32>> = vec![None; count.max(1)];
        depths[0] = Some(0);
        let mut mark = |nested: &[Nest], depth: u32| {
            for group in nested {
                let backward = group.first();
                let at = if backward == 0 { 0 } else { count - backward };
                if depths[at].is_none() {
                    depths[at] = Some(depth);
                }
            }
        };
        let mut depth = 1;
        while Nest::list_depth(&nested) > 1 {
            mark(&nested, depth);
            depth += 1;
            nested = flatten_beat_groups(nested);
        }
        mark(&nested, depth);
        depths.into_iter().map(|d| d.unwrap_or(depth)).collect()
    }

    /// Pulses numbered from the end, nested as the groups are (SCAMP's
    /// `_get_nested_beat_groups`).
    fn backward_beat_groups(&self) -> Vec<Nest> {
        let mut beat = 0;
        let mut out = Vec::with_capacity(self.groups.len());
        for g in self.groups.iter().rev() {
            let mut group = match g {
                MetricGroup::Pulses(n) => Nest::List((0..*n as usize).map(Nest::Leaf).collect()),
                MetricGroup::Nested(s) => Nest::List(s.backward_beat_groups()),
            };
            group.increment(beat);
            beat += group.count();
            out.push(group);
        }
        out
    }
}

/// SCAMP's repr: `MetricStructure(2, MetricStructure(3, 3))`.
impl std::fmt::Display for MetricStructure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MetricStructure(")?;
        for (i, g) in self.groups.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            match g {
                MetricGroup::Pulses(n) => write!(f, "{n}")?,
                MetricGroup::Nested(s) => write!(f, "{s}")?,
            }
        }
        f.write_str(")")
    }
}

/// `n` as 2s followed by a 3 when odd (SCAMP's `_decompose_to_twos_and_threes`).
fn twos_and_threes(n: u32) -> Vec<u32> {
    let mut out = vec![2; (n / 2) as usize];
    if n % 2 == 1 {
        out.pop();
        out.push(3);
    }
    out
}

/// A nested list of pulse numbers, as SCAMP's beat-depth computation handles them.
#[derive(Debug, Clone)]
enum Nest {
    Leaf(usize),
    List(Vec<Nest>),
}

impl Nest {
    fn count(&self) -> usize {
        match self {
            Nest::Leaf(_) => 1,
            Nest::List(items) => items.iter().map(Nest::count).sum(),
        }
    }

    fn increment(&mut self, by: usize) {
        match self {
            Nest::Leaf(n) => *n += by,
            Nest::List(items) => items.iter_mut().for_each(|i| i.increment(by)),
        }
    }

    /// Levels of nesting: 0 for a number or an empty list.
    fn depth(&self) -> usize {
        match self {
            Nest::Leaf(_) => 0,
            Nest::List(items) => Self::list_depth(items),
        }
    }

    fn list_depth(items: &[Nest]) -> usize {
        if items.is_empty() {
            0
        } else {
            1 + items.iter().map(Nest::depth).max().unwrap_or(0)
        }
    }

    /// Wraps shallower elements in lists until every element of every list is as deep as its
    /// deepest sibling (SCAMP's `_normalize_depth`).
    fn normalize_depth(&mut self) {
        let Nest::List(items) = self else { return };
        let max = items.iter().map(Nest::depth).max().unwrap_or(0);
        for item in items.iter_mut() {
            while item.depth() < max {
                *item = Nest::List(vec![std::mem::replace(item, Nest::Leaf(0))]);
            }
            item.normalize_depth();
        }
    }

    fn first(&self) -> usize {
        match self {
            Nest::Leaf(n) => *n,
            Nest::List(items) => items.first().map_or(0, Nest::first),
        }
    }
}

/// One level of nesting unravelled by indispensability: each group's first element, then each
/// group's next (the upbeats), then repeatedly the first remaining element of the longest
/// group (SCAMP's `flatten_beat_groups` with upbeats before group length).
fn flatten_beat_groups(groups: Vec<Nest>) -> Vec<Nest> {
    let mut queues: Vec<std::collections::VecDeque<Nest>> = groups
        .into_iter()
        .map(|g| match g {
            Nest::List(items) => items.into(),
            leaf => std::iter::once(leaf).collect(),
        })
        .collect();
    let mut out = Vec::new();
    for _ in 0..2 {
        for q in &mut queues {
            if let Some(first) = q.pop_front() {
                out.push(first);
            }
        }
    }
    loop {
        let longest = queues.iter().map(|q| q.len()).max().unwrap_or(0);
        if longest == 0 {
            return out;
        }
        let q = queues
            .iter_mut()
            .find(|q| q.len() == longest)
            .expect("a queue of the longest length");
        out.extend(q.pop_front());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scamps_documented_example_has_its_documented_depths() {
        // SCAMP's docstring: MetricStructure(MetricStructure(2, 2, 2), 5, MetricStructure(2, 3))
        let s = MetricStructure::new(
            vec![
                MetricGroup::Nested(MetricStructure::from_pulses(&[2, 2, 2])),
                MetricGroup::Pulses(5),
                MetricGroup::Nested(MetricStructure::from_pulses(&[2, 3])),
            ],
            false,
        );
        assert_eq!(
            s.beat_depths(),
            [0, 3, 2, 3, 2, 3, 1, 3, 3, 3, 3, 1, 3, 2, 3, 3]
        );
    }

    #[test]
    fn products_nest_and_large_primes_break_up() {
        assert_eq!(
            MetricStructure::from_product(&[2, 3]),
            MetricStructure::from_pulses(&[3, 3])
        );
        assert_eq!(
            MetricStructure::from_product(&[5]),
            MetricStructure::from_pulses(&[2, 3])
        );
        assert_eq!(MetricStructure::from_product(&[2, 2, 2]).num_pulses(), 8);
        assert_eq!(MetricStructure::from_product(&[]).beat_depths(), [0]);
    }
}
