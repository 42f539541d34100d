//! Fuzzy matching of names: preset names ("violin" → "Violin") and device names ("keyboard" →
//! "USB MIDI Keyboard:0"). The closest name wins; callers report which one was chosen.

/// How well `candidate` matches `wanted` (case-insensitive): exact 1000; every word of
/// `wanted` is a whole word of the candidate 550, or inside it 500; otherwise the share of
/// `wanted`'s characters found in order in the candidate (0–399).
pub fn score(wanted: &str, candidate: &str) -> u32 {
    let wanted = wanted.trim().to_lowercase();
    let name = candidate.to_lowercase();
    let words: Vec<&str> = wanted
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    if name == wanted {
        1000
    } else if !words.is_empty() && words.iter().all(|w| name.contains(w)) {
        let name_words: Vec<&str> = name.split(|c: char| !c.is_alphanumeric()).collect();
        if words.iter().all(|w| name_words.contains(w)) {
            550
        } else {
            500
        }
    } else {
        let common = common_subsequence(&wanted, &name);
        (399 * common / wanted.chars().count().max(name.chars().count()).max(1)) as u32
    }
}

/// The index and score of the best-matching candidate; ties go to the earliest.
pub fn best<'a>(
    wanted: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<(usize, u32)> {
    candidates
        .into_iter()
        .enumerate()
        .map(|(i, c)| (i, score(wanted, c)))
        .fold(None, |best: Option<(usize, u32)>, (i, s)| match best {
            Some((_, bs)) if bs >= s => best,
            _ => Some((i, s)),
        })
}

/// Length of the longest common subsequence of two strings (by chars).
fn common_subsequence(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row = vec![0usize; b.len() + 1];
    for ca in a.chars() {
        let mut diagonal = 0;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if ca == *cb {
                diagonal + 1
            } else {
                above.max(row[j])
            };
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_closest_name_wins() {
        let ports = [
            "Midi Through:0",
            "USB MIDI Keyboard:0",
            "scamp test keyboard:out",
        ];
        assert_eq!(
            best("keyboard", ports),
            Some((1, 550)),
            "whole word, first of equals"
        );
        assert_eq!(best("test keyboard", ports).map(|b| b.0), Some(2));
        assert_eq!(best("Midi Through:0", ports), Some((0, 1000)));
        assert!(best("zzz", ports).unwrap().1 < 400);
        assert_eq!(best("x", std::iter::empty()), None);
    }
}
