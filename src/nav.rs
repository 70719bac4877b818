//! Screens and their place in the URL hash (`#/settings`). The hash names a screen only: never personal data.

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
        format!("#/{}", self.slug())
    }

    /// The screen a location hash names, if any.
    pub fn from_hash(hash: &str) -> Option<Screen> {
        Screen::from_slug(hash.trim_start_matches('#').trim_start_matches('/'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_name_screens() {
        for s in Screen::ALL {
            assert_eq!(Screen::from_hash(&s.href()), Some(s));
        }
        assert_eq!(Screen::from_hash("#settings"), Some(Screen::Settings));
        assert_eq!(Screen::from_hash(""), None);
        assert_eq!(Screen::from_hash("#/nowhere"), None);
    }
}
