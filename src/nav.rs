//! Where the user is: a screen, or one record's page. Lives in the URL hash (`#/client/<uuid>`); a hash names a
//! screen or a random record id only, never personal data.

use crate::domain::ids::is_uuid_v4;

/// The sections of the navigation bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Home,
    Clients,
    Intake,
    Export,
    Settings,
}

impl Screen {
    pub const ALL: [Screen; 5] = [Screen::Home, Screen::Clients, Screen::Intake, Screen::Export, Screen::Settings];

    pub fn slug(self) -> &'static str {
        match self {
            Screen::Home => "home",
            Screen::Clients => "clients",
            Screen::Intake => "intake",
            Screen::Export => "export",
            Screen::Settings => "settings",
        }
    }

    pub fn from_slug(s: &str) -> Option<Screen> {
        Screen::ALL.into_iter().find(|x| x.slug() == s)
    }

    pub fn href(self) -> String {
        Route::Screen(self).href()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    Screen(Screen),
    /// One client's page.
    Client(String),
    /// The correction of one client's card.
    EditCard(String),
    /// The correction of one appeal.
    EditAppeal(String),
    /// Merging the second card into the first (both ids).
    Merge(String, String),
    /// The printable referral slip of one appeal.
    Slip(String),
    /// The partner organisations directory.
    Directory,
    /// The БВПД checklist of one appeal.
    Checklist(String),
    /// The printable list of documents to bring, of one appeal's checklist.
    ToBring(String),
    /// The printable БВПД application of one appeal's checklist.
    Application(String),
    /// Today's kiosk queue.
    Queue,
}

impl Route {
    pub fn href(&self) -> String {
        match self {
            Route::Screen(s) => format!("#/{}", s.slug()),
            Route::Client(id) => format!("#/client/{id}"),
            Route::EditCard(id) => format!("#/edit-card/{id}"),
            Route::Merge(keep, gone) => format!("#/merge/{keep}/{gone}"),
            Route::EditAppeal(id) => format!("#/edit-appeal/{id}"),
            Route::Slip(id) => format!("#/slip/{id}"),
            Route::Directory => "#/directory".into(),
            Route::Queue => "#/queue".into(),
            Route::Checklist(id) => format!("#/eligibility/{id}"),
            Route::ToBring(id) => format!("#/to-bring/{id}"),
            Route::Application(id) => format!("#/application/{id}"),
        }
    }

    /// The section of the navigation bar this route belongs to.
    pub fn section(&self) -> Screen {
        match self {
            Route::Screen(s) => *s,
            Route::Client(_)
            | Route::EditCard(_)
            | Route::Merge(..)
            | Route::EditAppeal(_)
            | Route::Slip(_)
            | Route::Checklist(_)
            | Route::ToBring(_)
            | Route::Application(_) => Screen::Clients,
            Route::Directory => Screen::Settings,
            Route::Queue => Screen::Home,
        }
    }

    pub fn from_hash(hash: &str) -> Option<Route> {
        let path = hash.trim_start_matches('#').trim_start_matches('/');
        match path.split_once('/') {
            Some(("client", id)) if is_uuid_v4(id) => Some(Route::Client(id.to_owned())),
            Some(("edit-card", id)) if is_uuid_v4(id) => Some(Route::EditCard(id.to_owned())),
            Some(("edit-appeal", id)) if is_uuid_v4(id) => Some(Route::EditAppeal(id.to_owned())),
            Some(("merge", ids)) => match ids.split_once('/') {
                Some((keep, gone)) if is_uuid_v4(keep) && is_uuid_v4(gone) => {
                    Some(Route::Merge(keep.to_owned(), gone.to_owned()))
                }
                _ => None,
            },
            Some(("slip", id)) if is_uuid_v4(id) => Some(Route::Slip(id.to_owned())),
            Some(("eligibility", id)) if is_uuid_v4(id) => Some(Route::Checklist(id.to_owned())),
            Some(("to-bring", id)) if is_uuid_v4(id) => Some(Route::ToBring(id.to_owned())),
            Some(("application", id)) if is_uuid_v4(id) => Some(Route::Application(id.to_owned())),
            Some(_) => None,
            None if path == "directory" => Some(Route::Directory),
            None if path == "queue" => Some(Route::Queue),
            None => Screen::from_slug(path).map(Route::Screen),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_name_routes() {
        let id = "d5a529c9-d8a0-483c-8bd8-bdcd6376703b";
        for r in [
            Route::Screen(Screen::Home),
            Route::Screen(Screen::Settings),
            Route::Client(id.into()),
            Route::EditCard(id.into()),
            Route::EditAppeal(id.into()),
            Route::Merge(id.into(), "0b1e0b9e-8a3a-4c1e-9a52-3c1f1f2a0001".into()),
            Route::Slip(id.into()),
            Route::Directory,
            Route::Queue,
            Route::Checklist(id.into()),
            Route::ToBring(id.into()),
            Route::Application(id.into()),
        ] {
            assert_eq!(Route::from_hash(&r.href()), Some(r));
        }
        assert_eq!(Route::from_hash("#settings"), Some(Route::Screen(Screen::Settings)));
        assert_eq!(Route::from_hash(""), None);
        assert_eq!(Route::from_hash("#/nowhere"), None);
        assert_eq!(Route::from_hash("#/client/Шевченко"), None, "only record ids, never names");
        assert_eq!(Route::Client(id.into()).section(), Screen::Clients);
        assert_eq!(Route::Application(id.into()).section(), Screen::Clients);
        assert_eq!(Route::from_hash("#/eligibility/1"), None);
    }
}
