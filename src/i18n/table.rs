//! The non-default language's text, fetched on demand. Every string of every screen sits in the app shell's
//! WebAssembly (the split moves code, not data), so English would load with the shell for every user, Ukrainian
//! first or not. Instead, in the app's WebAssembly each English text in `en.rs` is only a key — the line it stands on
//! in `en.rs` (`tx!`; one text a line), so the text itself is not in the module — and the texts come from
//! `public/i18n/en.json` (fetched, or from the service worker's cache offline) when English is first chosen. Anywhere
//! else (the host, the browser tests, the centre server) `tx!` is the text itself.
//!
//! `public/i18n/en.json` is written from `en.rs` by the host test `the_english_table_is_current`
//! (`PRYIOM_WRITE_STRINGS=1`), which fails whenever the file is not current: `en.rs` stays the one source.

/// The most lines `en.rs` may have (a slot for each; the host test checks it).
pub const SLOTS: usize = 2048;

/// The text of `en.rs` on this line.
#[cfg(not(all(target_arch = "wasm32", feature = "app")))]
macro_rules! tx {
    ($text:literal) => {
        $crate::i18n::table::text(line!(), $text)
    };
}
/// The fetched text of `en.rs` on this line: one read of its slot (no call, no copy of the text in the module).
#[cfg(all(target_arch = "wasm32", feature = "app"))]
macro_rules! tx {
    ($text:literal) => {
        $crate::i18n::table::slot(line!() as usize)
    };
}
pub(crate) use tx;

#[cfg(not(all(target_arch = "wasm32", feature = "app")))]
pub fn text(_line: u32, text: &'static str) -> &'static str {
    #[cfg(test)]
    seen::note(_line, text);
    text
}

/// The fetched texts, one slot per line of `en.rs`: written once, by [`install`], before anything reads them
/// (`Lang::strings` gives Ukrainian until then). The app's WebAssembly runs on one thread.
#[cfg(all(target_arch = "wasm32", feature = "app"))]
struct Slots(std::cell::UnsafeCell<[&'static str; SLOTS]>);

// SAFETY: the app's WebAssembly has one thread; the slots are written once, before the first read.
#[cfg(all(target_arch = "wasm32", feature = "app"))]
unsafe impl Sync for Slots {}

#[cfg(all(target_arch = "wasm32", feature = "app"))]
static TEXTS: Slots = Slots(std::cell::UnsafeCell::new([""; SLOTS]));

#[cfg(all(target_arch = "wasm32", feature = "app"))]
thread_local! {
    static INSTALLED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

#[cfg(all(target_arch = "wasm32", feature = "app"))]
#[inline(always)]
pub fn slot(line: usize) -> &'static str {
    // SAFETY: see `Slots`; `line` is a constant below `SLOTS` (checked by the host test), read after `install`.
    unsafe { (*TEXTS.0.get())[line] }
}

/// Takes the fetched table (`{"<line>": "<text>", …}`); `false` when it is not one, or was taken already. Its
/// texts live as long as the page (the language can be chosen again at any time).
#[cfg(all(target_arch = "wasm32", feature = "app"))]
pub fn install(json: &str) -> bool {
    if INSTALLED.with(std::cell::Cell::get) {
        return false;
    }
    let Ok(map) = serde_json::from_str::<std::collections::HashMap<String, String>>(json) else { return false };
    let mut texts = [""; SLOTS];
    for (k, v) in map {
        match k.parse::<usize>() {
            Ok(line) if line < SLOTS => texts[line] = Box::leak(v.into_boxed_str()),
            _ => return false,
        }
    }
    // SAFETY: see `Slots`: nothing has read the slots yet (`installed()` was false), and nothing holds a reference.
    unsafe { *TEXTS.0.get() = texts };
    INSTALLED.with(|i| i.set(true));
    true
}

/// Whether the table is here (always, outside the app's WebAssembly).
pub fn installed() -> bool {
    #[cfg(all(target_arch = "wasm32", feature = "app"))]
    return INSTALLED.with(std::cell::Cell::get);
    #[cfg(not(all(target_arch = "wasm32", feature = "app")))]
    true
}

/// The texts `tx!` gave in this test run, by key: what the table file must hold.
#[cfg(test)]
pub mod seen {
    use std::collections::BTreeMap;
    use std::sync::Mutex;

    static SEEN: Mutex<BTreeMap<u32, &'static str>> = Mutex::new(BTreeMap::new());

    pub fn note(key: u32, text: &'static str) {
        let mut seen = SEEN.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(other) = seen.insert(key, text) {
            assert_eq!(other, text, "two texts on line {key} of en.rs: one a line");
        }
    }

    pub fn all() -> BTreeMap<u32, &'static str> {
        SEEN.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `public/i18n/en.json` holds exactly the English texts of `en.rs`, by key (written with
    /// `PRYIOM_WRITE_STRINGS=1`).
    #[test]
    fn the_english_table_is_current() {
        let _ = super::super::en::strings();
        // The audit trail's names are a function: each of them too.
        for a in crate::domain::audit::AuditAction::ALL {
            let _ = (super::super::en::strings().audit.action)(a);
        }
        let seen = seen::all();
        let table: BTreeMap<String, &str> = seen.iter().map(|(k, v)| (k.to_string(), *v)).collect();
        let json = serde_json::to_string_pretty(&table).expect("json") + "\n";
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/public/i18n/en.json");
        if std::env::var_os("PRYIOM_WRITE_STRINGS").is_some() {
            std::fs::create_dir_all(concat!(env!("CARGO_MANIFEST_DIR"), "/public/i18n")).expect("folder");
            std::fs::write(path, &json).expect("written");
        }
        let on_disk = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            on_disk == json,
            "public/i18n/en.json is not current with src/i18n/en.rs: run PRYIOM_WRITE_STRINGS=1 cargo test --lib the_english_table_is_current"
        );
        assert!(table.len() > 800, "every English text is in the table: {}", table.len());
        assert!(seen.keys().all(|line| (*line as usize) < SLOTS), "en.rs has more lines than SLOTS");
    }

    use std::collections::BTreeMap;
}
