//! Keyboard and mouse listeners without a graphical display: a clear error naming what is
//! missing, and a session that goes on working. (Its own test binary: it changes DISPLAY.)
#![cfg(target_os = "linux")]

use scamp::prelude::*;

#[test]
fn without_a_display_listeners_are_a_clear_error_not_a_crash() {
    let session = Session::fast_forward_session(60.0).unwrap();
    let cases = [
        (None, "DISPLAY is not set"),
        (Some(":4242"), "cannot open the X display ':4242'"),
    ];
    for (display, expected) in cases {
        match display {
            None => std::env::remove_var("DISPLAY"),
            Some(d) => std::env::set_var("DISPLAY", d),
        }
        let keyboard = session
            .register_keyboard_listener(KeyboardListenerOptions::new().suppress(true))
            .unwrap_err();
        assert!(
            matches!(
                keyboard,
                Error::NoDisplay {
                    what: "keyboard",
                    ..
                }
            ),
            "{keyboard:?}"
        );
        assert!(keyboard.to_string().contains(expected), "{keyboard}");
        let mouse = session
            .register_mouse_listener(MouseListenerOptions::new().relative_coordinates(true))
            .unwrap_err();
        assert!(mouse
            .to_string()
            .starts_with("cannot listen to the mouse: "));
        assert!(mouse.to_string().contains(expected), "{mouse}");
        assert!(!session.remove_keyboard_listener());
        assert!(!session.remove_mouse_listener());
    }
    // The session is unharmed.
    session.wait(2.0).unwrap();
    assert_eq!(session.beat(), 2.0);
}
