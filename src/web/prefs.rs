//! UI preferences in localStorage (through gloo-storage). Only the language, the last screen and whether this device
//! has been set up (which first screen index.html may draw before the app): never personal data.

use gloo_storage::{LocalStorage, Storage};

use crate::i18n::Lang;

use crate::nav::Screen;

const LANG_KEY: &str = "pryiom.lang";
const SCREEN_KEY: &str = "pryiom.screen";
/// Read by `public/first.js` too: while it is not `true`, index.html draws the set-up screen before the app arrives.
const SET_UP_KEY: &str = "pryiom.set-up";

pub fn lang() -> Lang {
    LocalStorage::get::<String>(LANG_KEY).ok().and_then(|c| Lang::from_code(&c)).unwrap_or_default()
}

/// Remembering a preference is a convenience: if the browser refuses, the app keeps working in this session.
pub fn set_lang(lang: Lang) -> bool {
    LocalStorage::set(LANG_KEY, lang.code()).is_ok()
}

pub fn screen() -> Option<Screen> {
    LocalStorage::get::<String>(SCREEN_KEY).ok().and_then(|s| Screen::from_slug(&s))
}

pub fn set_screen(screen: Screen) -> bool {
    LocalStorage::set(SCREEN_KEY, screen.slug()).is_ok()
}

/// Whether this device has been set up (a passphrase, or the kiosk): only a hint for the first screen, which the
/// storage itself then decides. Absent on a new device.
pub fn set_up() -> bool {
    LocalStorage::get::<bool>(SET_UP_KEY).unwrap_or(false)
}

pub fn set_set_up(set_up: bool) {
    if self::set_up() != set_up {
        // A hint only: if the browser refuses, a set-up device may show the set-up screen's text for a moment.
        let _ = LocalStorage::set(SET_UP_KEY, set_up);
    }
}
