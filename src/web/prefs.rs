//! UI preferences in localStorage (through gloo-storage). Only the language and the last screen: never personal data.

use gloo_storage::{LocalStorage, Storage};

use crate::i18n::Lang;

use crate::nav::Screen;

const LANG_KEY: &str = "pryiom.lang";
const SCREEN_KEY: &str = "pryiom.screen";

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
