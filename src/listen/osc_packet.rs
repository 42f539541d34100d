//! One OSC datagram, decoded safely: its bundles unpacked in order into messages.
//!
//! rosc decodes bundles recursively with no depth limit, so a datagram of bundles nested a few
//! thousand deep (about 50 KB) would overflow the receiving thread's stack and abort the
//! program. The nesting is measured first, without recursion; a datagram nested deeper than
//! [`MAX_NESTING`] is refused before rosc sees it. Pure functions; any thread.

use rosc::{OscMessage, OscPacket};

/// Deepest bundle nesting accepted (a bundle inside a bundle is 2). Real senders nest a few
/// levels at most.
pub const MAX_NESTING: usize = 32;

/// Why a datagram was skipped.
#[derive(Debug, Clone, PartialEq)]
pub enum Rejected {
    /// Bundles nested deeper than [`MAX_NESTING`] (the depth found, counting stops just past
    /// the limit).
    TooDeep(usize),
    /// Not OSC, truncated, or a bad type tag (rosc's reason).
    Malformed(String),
}

/// The messages of `datagram`, bundles unpacked in order.
pub fn decode(datagram: &[u8]) -> Result<Vec<OscMessage>, Rejected> {
    let depth = nesting(datagram);
    if depth > MAX_NESTING {
        return Err(Rejected::TooDeep(depth));
    }
    let (_, packet) =
        rosc::decoder::decode_udp(datagram).map_err(|e| Rejected::Malformed(format!("{e:?}")))?;
    let mut out = Vec::new();
    flatten(packet, &mut out);
    Ok(out)
}

const BUNDLE_TAG: &[u8] = b"#bundle\0";
/// The tag and the 8-byte time tag.
const BUNDLE_HEADER: usize = 16;

/// How deeply bundles nest in `datagram` (0 for a message), found without recursion and
/// given up once past [`MAX_NESTING`]. Elements whose sizes do not fit are left for the
/// decoder to refuse.
fn nesting(datagram: &[u8]) -> usize {
    let mut deepest = 0;
    // (start, end, depth) of elements still to look into.
    let mut pending = vec![(0usize, datagram.len(), 1usize)];
    while let Some((start, end, depth)) = pending.pop() {
        if !datagram[start..end].starts_with(BUNDLE_TAG) {
            continue;
        }
        deepest = deepest.max(depth);
        if deepest > MAX_NESTING {
            break;
        }
        let mut at = start + BUNDLE_HEADER;
        while at + 4 <= end {
            let size = i32::from_be_bytes(datagram[at..at + 4].try_into().expect("4 bytes"));
            let Some(element_end) = usize::try_from(size)
                .ok()
                .and_then(|s| (at + 4).checked_add(s))
                .filter(|&e| e <= end)
            else {
                break;
            };
            pending.push((at + 4, element_end, depth + 1));
            at = element_end;
        }
    }
    deepest
}

/// Depth is bounded by [`MAX_NESTING`] by the time this runs.
fn flatten(packet: OscPacket, out: &mut Vec<OscMessage>) {
    match packet {
        OscPacket::Message(m) => out.push(m),
        OscPacket::Bundle(b) => b.content.into_iter().for_each(|p| flatten(p, out)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rosc::{OscBundle, OscTime, OscType};

    /// A message inside `depth` bundles, written outside in (rosc's encoder recurses too).
    fn nested(depth: usize) -> Vec<u8> {
        let message = rosc::encoder::encode(&OscPacket::Message(OscMessage {
            addr: "/deep".into(),
            args: vec![OscType::Int(depth as i32)],
        }))
        .unwrap();
        let mut out = Vec::with_capacity(message.len() + 20 * depth);
        for level in (1..=depth).rev() {
            // What this bundle holds: the bundles inside it and the message.
            let inner = message.len() + 20 * (level - 1);
            out.extend_from_slice(b"#bundle\0");
            out.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 1]);
            out.extend_from_slice(&(inner as i32).to_be_bytes());
        }
        out.extend_from_slice(&message);
        out
    }

    #[test]
    fn bundles_up_to_the_limit_decode_and_deeper_ones_are_refused_without_recursing() {
        assert_eq!(nesting(&nested(0)), 0);
        assert_eq!(nesting(&nested(3)), 3);
        let ok = decode(&nested(MAX_NESTING)).unwrap();
        assert_eq!(ok.len(), 1);
        assert_eq!(ok[0].args, vec![OscType::Int(MAX_NESTING as i32)]);
        assert_eq!(
            decode(&nested(MAX_NESTING + 1)),
            Err(Rejected::TooDeep(MAX_NESTING + 1))
        );
        // The datagram that used to overflow the receiver's stack (about 50 KB), and far
        // deeper ones: refused at once.
        for depth in [2_500, 100_000] {
            assert!(matches!(decode(&nested(depth)), Err(Rejected::TooDeep(_))));
        }
    }

    #[test]
    fn bundles_keep_their_order_and_garbage_is_malformed() {
        let bundle = OscPacket::Bundle(OscBundle {
            timetag: OscTime::from((0, 1)),
            content: (0..5)
                .map(|i| {
                    OscPacket::Message(OscMessage {
                        addr: format!("/m{i}"),
                        args: vec![],
                    })
                })
                .collect(),
        });
        let bytes = rosc::encoder::encode(&bundle).unwrap();
        let addrs: Vec<String> = decode(&bytes)
            .unwrap()
            .into_iter()
            .map(|m| m.addr)
            .collect();
        assert_eq!(addrs, ["/m0", "/m1", "/m2", "/m3", "/m4"]);
        assert!(matches!(
            decode(b"#bundle\0garbage"),
            Err(Rejected::Malformed(_))
        ));
        let message = rosc::encoder::encode(&OscPacket::Message(OscMessage {
            addr: "/m".into(),
            args: vec![OscType::Float(1.0)],
        }))
        .unwrap();
        assert!(matches!(
            decode(&message[..message.len() - 2]),
            Err(Rejected::Malformed(_))
        ));
    }
}
