//! The centre's keys, kept in its data folder (readable by the server's user only): the Ed25519 key it signs receipts
//! with, and the age identity that opens batches devices seal to the centre. Made at the first start.

use std::io::Write;
use std::path::Path;

use age::secrecy::ExposeSecret;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use ed25519_dalek::SigningKey;

pub struct Keys {
    pub signing: SigningKey,
    identity: String,
    /// The centre's age recipient (`age1…`): what devices seal batches to (Settings → the centre's key).
    pub recipient: String,
}

pub(crate) fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(text.as_bytes())
}

fn invalid(what: &str) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_owned())
}

impl Keys {
    pub fn open(dir: &Path) -> std::io::Result<Keys> {
        let signing_path = dir.join("receipt-signing.key");
        if !signing_path.exists() {
            let mut seed = [0u8; 32];
            getrandom::getrandom(&mut seed).map_err(|_| invalid("no random source"))?;
            write_private(&signing_path, &STANDARD.encode(seed))?;
        }
        let seed: [u8; 32] = STANDARD
            .decode(std::fs::read_to_string(&signing_path)?.trim())
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| invalid("receipt-signing.key is not a key"))?;
        let identity_path = dir.join("centre-identity.age");
        if !identity_path.exists() {
            let id = age::x25519::Identity::generate();
            write_private(&identity_path, id.to_string().expose_secret())?;
        }
        let identity = std::fs::read_to_string(&identity_path)?.trim().to_owned();
        let parsed: age::x25519::Identity =
            identity.parse().map_err(|_| invalid("centre-identity.age is not an age identity"))?;
        Ok(Keys { signing: SigningKey::from_bytes(&seed), recipient: parsed.to_public().to_string(), identity })
    }

    /// The receipt key as devices get it at enrolment (base64).
    pub fn receipt_key(&self) -> String {
        STANDARD.encode(self.signing.verifying_key().as_bytes())
    }

    pub fn identity(&self) -> &str {
        &self.identity
    }
}
