//! `print_family_tree`: a drawing of a clock family, one clock a line.

use super::Clock;
use crate::scheduler::Core;

impl Clock {
    /// The family tree of this clock's session as text, with each clock's beat and tempo.
    pub fn family_tree(&self) -> String {
        self.read(|core| {
            let mut out = String::new();
            draw(core, 0, "", "", &mut out);
            out
        })
    }

    /// Prints [`family_tree`](Self::family_tree).
    pub fn print_family_tree(&self) {
        print!("{}", self.family_tree());
    }
}

fn draw(core: &mut Core, id: usize, lead: &str, child_lead: &str, out: &mut String) {
    let beat = core.beat_of(id);
    let tempo = 60.0 / core.beat_length_of(id);
    let name = core.clock(id).name.clone();
    out.push_str(&format!(
        "{lead}{name} (beat {beat:.3}, tempo {tempo:.2})\n"
    ));
    let children = core.clock(id).children.clone();
    for (i, c) in children.iter().enumerate() {
        let last = i + 1 == children.len();
        let (l, cl) = if last {
            ("└── ", "    ")
        } else {
            ("├── ", "│   ")
        };
        draw(
            core,
            *c,
            &format!("{child_lead}{l}"),
            &format!("{child_lead}{cl}"),
            out,
        );
    }
}
