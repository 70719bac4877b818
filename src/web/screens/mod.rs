pub mod client;
pub mod clients;
pub mod coming;
pub mod directory;
pub mod home;
pub mod intake;
pub mod settings;
pub mod slip;
