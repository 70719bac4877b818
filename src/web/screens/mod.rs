pub mod coming;
pub mod home;
pub mod settings;
