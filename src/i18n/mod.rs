//! Every string the user sees, per language: `uk.rs` (default) and `en.rs`. Plain Rust, checked by the compiler:
//! a string missing from one language does not build. `strings.rs` is their shape; `plural.rs` counts, `format.rs`
//! numbers, `messages.rs` maps domain values and problems to text.

pub mod table;
mod en;
mod format;
mod messages;
mod plural;
mod strings;
mod uk;

pub use format::{format_bytes, money};
pub use messages::*;
pub use plural::{count, plural_category, Plural, PluralCategory};
pub use strings::Strings;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    Uk,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Uk, Lang::En];

    /// BCP 47 code, for `<html lang>` and the saved preference.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Uk => "uk",
            Lang::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.code() == code)
    }

    /// This language's text. English's is built the first time it is asked for, once its texts are here (in the
    /// app's WebAssembly they are fetched: `table`); until then, Ukrainian.
    pub fn strings(self) -> &'static Strings {
        match self {
            Lang::Uk => &uk::STRINGS,
            #[cfg(not(all(target_arch = "wasm32", feature = "app")))]
            Lang::En => build_english(),
            // Built by `build_english`, in a piece of its own, once the texts are here.
            #[cfg(all(target_arch = "wasm32", feature = "app"))]
            Lang::En => EN.get().unwrap_or(&uk::STRINGS),
        }
    }

    /// Its own name, in itself (the language choices show it before its texts are fetched).
    pub fn name(self) -> &'static str {
        match self {
            Lang::Uk => uk::STRINGS.lang_name,
            Lang::En => "English",
        }
    }

    /// Whether this language's texts are still to be fetched (`install` them).
    pub fn needs_fetch(self) -> bool {
        self == Lang::En && EN.get().is_none()
    }
}

/// English's text, built once (its code is big: in the app it runs in a piece of WebAssembly of its own, after
/// the texts are fetched).
static EN: std::sync::OnceLock<Strings> = std::sync::OnceLock::new();

/// Builds English's text (once its texts are installed, in the app).
pub fn build_english() -> &'static Strings {
    EN.get_or_init(en::strings)
}

/// Takes English's fetched texts (`public/i18n/en.json`); `false` when the file is not the table.
#[cfg(all(target_arch = "wasm32", feature = "app"))]
pub fn install(json: &str) -> bool {
    table::install(json)
}

#[cfg(not(all(target_arch = "wasm32", feature = "app")))]
pub fn install(_json: &str) -> bool {
    true
}


#[cfg(test)]
mod tests {

    /// index.html draws a new device's set-up screen before the app's code arrives (public/first.js): its texts
    /// must be the app's own, in the elements the app draws them in (`app.rs`'s header, `lock.rs`'s SetUpPreview),
    /// and its logo the app's logo.
    #[test]
    fn the_first_screen_in_index_html_is_the_apps_own() {
        let html = include_str!("../../index.html");
        let start = html.find(r#"<div class="shell" id="first-screen">"#).expect("index.html's first screen");
        let block = &html[start..start + html[start..].find("</main>").expect("its end")];
        // Each text with the tag just before it.
        let mut texts = Vec::new();
        let mut rest = block;
        while let Some(open) = rest.find('<') {
            let close = open + rest[open..].find('>').expect("a tag's end");
            let tag = &rest[open..=close];
            rest = &rest[close + 1..];
            let text = rest[..rest.find('<').unwrap_or(rest.len())].trim();
            if !text.is_empty() {
                texts.push((tag.to_owned(), text.to_owned()));
            }
        }
        let s = Lang::Uk.strings();
        let want = [
            (r#"<p class="brand-name">"#, s.app_name.to_owned()),
            (r#"<p class="brand-tagline">"#, s.app_tagline.to_owned()),
            ("</span>", s.status_online.to_owned()),
            (r#"<li class="chip chip-storage">"#, s.status_storage_unknown.to_owned()),
            (r#"<li class="chip chip-persist">"#, s.status_persist_unknown.to_owned()),
            // Never seen (the chips only keep their room): a version of the same length.
            (r#"<li class="chip chip-quiet">"#, (s.status_version)("0.0.0", "00000000")),
            ("<h1>", s.lock.setup_title.to_owned()),
            ("<p>", s.lock.setup_intro.to_owned()),
            (r#"<p class="notice notice-warn">"#, s.lock.setup_loss.to_owned()),
            (r#"<p class="muted" role="status">"#, s.loading.to_owned()),
        ];
        let want: Vec<_> = want.into_iter().map(|(t, s)| (t.to_owned(), s)).collect();
        assert_eq!(texts, want);
        let logo = |text: &str| {
            let at = text.find(r#"<svg class="logo""#).expect("a logo");
            let svg = &text[at..at + text[at..].find("</svg>").expect("its end")];
            svg.split_whitespace().collect::<Vec<_>>().join(" ").replace("> <", "><")
        };
        assert_eq!(logo(block), logo(include_str!("../web/icons.rs")));
    }

    #[test]
    fn every_field_of_a_correction_has_a_label_and_readable_values() {
        for lang in [Lang::Uk, Lang::En] {
            for field in crate::domain::client::CARD_FIELDS {
                assert!(!messages::card_field_label(lang, field).is_empty(), "{field}");
            }
            assert_eq!(messages::card_field_value(lang, "birth_date", "1971-02-14"), "14.02.1971");
            assert_eq!(messages::card_field_value(lang, "phones", ""), "—");
        }
        assert_eq!(messages::card_field_value(Lang::Uk, "needs.hearing", "true"), "так");
        assert_eq!(
            messages::card_field_value(Lang::Uk, "no_documents_reason", "occupied"),
            "Залишилися на окупованій території або в зоні бойових дій"
        );
        assert_eq!(messages::card_field_value(Lang::Uk, "no_tax_number", "child"), "Дитина, якій номер не присвоєно");
        assert_eq!(messages::card_field_value(Lang::Uk, "language", "uk"), "українська");
        assert_eq!(messages::card_field_value(Lang::Uk, "language", "ромська"), "ромська");
    }

    use super::*;
    use crate::storage::StoreError;

    #[test]
    fn ukrainian_plurals() {
        use PluralCategory::*;
        let cases = [
            (0, Many),
            (1, One),
            (2, Few),
            (4, Few),
            (5, Many),
            (11, Many),
            (12, Many),
            (14, Many),
            (21, One),
            (22, Few),
            (25, Many),
            (101, One),
            (111, Many),
            (112, Many),
            (122, Few),
            (1004, Few),
        ];
        for (n, want) in cases {
            assert_eq!(plural_category(Lang::Uk, n), want, "{n}");
        }
        let f = &Lang::Uk.strings().home.clients;
        assert_eq!(count(Lang::Uk, 1, f), "1 клієнт");
        assert_eq!(count(Lang::Uk, 3, f), "3 клієнти");
        assert_eq!(count(Lang::Uk, 11, f), "11 клієнтів");
    }

    #[test]
    fn english_plurals() {
        let f = &Lang::En.strings().home.clients;
        assert_eq!(count(Lang::En, 1, f), "1 client");
        assert_eq!(count(Lang::En, 2, f), "2 clients");
        assert_eq!(count(Lang::En, 0, f), "0 clients");
    }

    #[test]
    fn bytes_for_people() {
        assert_eq!(format_bytes(Lang::Uk, 0), "0 Б");
        assert_eq!(format_bytes(Lang::Uk, 1023), "1023 Б");
        assert_eq!(format_bytes(Lang::Uk, 1024), "1 КБ");
        assert_eq!(format_bytes(Lang::Uk, 1280), "1,3 КБ");
        assert_eq!(format_bytes(Lang::En, 1280), "1.3 KB");
        assert_eq!(format_bytes(Lang::Uk, 15 * 1024 * 1024), "15 МБ");
        assert_eq!(format_bytes(Lang::En, 10_737_418_240), "10 GB");
    }

    #[test]
    fn language_codes_round_trip() {
        for l in Lang::ALL {
            assert_eq!(Lang::from_code(l.code()), Some(l));
        }
        assert_eq!(Lang::from_code("ru"), None);
        assert_eq!(Lang::default(), Lang::Uk);
    }

    #[test]
    fn an_unknown_old_batch_version_is_not_called_newer() {
        use crate::domain::batch::BatchProblem;
        let newer = batch_problem(Lang::Uk, &BatchProblem::UnsupportedVersion(2));
        let zero = batch_problem(Lang::Uk, &BatchProblem::UnsupportedVersion(0));
        assert!(newer.contains("новішою"), "{newer}");
        assert!(!zero.contains("новішою") && zero.contains("немає"), "{zero}");
        assert!(
            batch_problem(Lang::En, &BatchProblem::Conflict { index: 3, id: "c1".into() }).contains("same revision")
        );
    }

    #[test]
    fn every_store_error_has_a_message_in_each_language() {
        let errors = [
            StoreError::Unavailable { detail: "x".into() },
            StoreError::QuotaExceeded,
            StoreError::UpgradeBlocked,
            StoreError::VersionTooNew,
            StoreError::Decode { collection: crate::storage::Collection::Clients, id: "a".into(), detail: "d".into() },
            StoreError::AlreadyExists { collection: crate::storage::Collection::Clients, id: "a".into() },
            StoreError::Other { detail: "AbortError".into() },
        ];
        for lang in Lang::ALL {
            let mut seen = std::collections::HashSet::new();
            for e in &errors {
                let m = store_error(lang, e);
                assert!(m.len() > 20, "{lang:?} {e:?}: {m}");
                assert!(seen.insert(m), "two errors share a message in {lang:?}");
            }
        }
        assert!(store_error(Lang::Uk, &StoreError::QuotaExceeded).contains("місц"));
    }

    /// The kiosk's recorded clips say what its screens say: `public/voice/clips.tsv` is this list, and every clip in
    /// it exists. After changing a kiosk string, `./pryiom voices` writes the list again and records the clips.
    #[test]
    fn every_kiosk_voice_clip_is_recorded_from_the_current_strings() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("public/voice");
        let mut want = String::from("# lang\tclip\ttext (written by ./pryiom voices; the clips are recorded from it)\n");
        for lang in Lang::ALL {
            for (clip, text) in kiosk_voice(lang) {
                assert!(!text.contains('\t') && !text.contains('\n'), "{clip}");
                want.push_str(&format!("{}\t{clip}\t{text}\n", lang.code()));
            }
        }
        if std::env::var_os("PRYIOM_WRITE_VOICE").is_some() {
            std::fs::create_dir_all(&root).expect("voice folder");
            std::fs::write(root.join("clips.tsv"), &want).expect("written");
            return;
        }
        let have = std::fs::read_to_string(root.join("clips.tsv")).unwrap_or_default();
        assert!(have == want, "public/voice/clips.tsv is not what the kiosk says now: run ./pryiom voices");
        let mut clips: Vec<std::path::PathBuf> = vec![root.join("chime.ogg")];
        for lang in Lang::ALL {
            clips.extend(kiosk_voice(lang).into_iter().map(|(clip, _)| root.join(lang.code()).join(format!("{clip}.ogg"))));
        }
        for f in clips {
            let bytes = std::fs::read(&f).unwrap_or_default();
            assert!(bytes.starts_with(b"OggS") && bytes.len() > 1000, "{} missing: run ./pryiom voices", f.display());
        }
    }

}
