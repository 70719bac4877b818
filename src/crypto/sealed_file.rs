//! Export files sealed to the centre: the age format (age-encryption.org/v1) with X25519 recipients, so the centre
//! opens them with the standard tools (`age -d -i key.txt`, `rage`, Python `pyrage`) and finds exactly the file the
//! app would have written in clear. Settings hold the centre's public key (`age1…`) and optionally a backup key.

use std::io::Write;

/// The first bytes of every age file.
pub const AGE_MAGIC: &[u8] = b"age-encryption.org/v1";

/// At most this many recipients: the centre's key and a backup key.
pub const MAX_RECIPIENTS: usize = 2;

/// Why a centre key was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyProblem {
    /// Not an age X25519 public key ("age1…", 62 characters). A secret key pasted by mistake is refused too.
    NotARecipient,
    /// The secret key (AGE-SECRET-KEY-1…) was pasted: it must never be on an outreach tablet.
    SecretKey,
    /// Where the centre's secret key (identity) is asked for, the public key was pasted.
    PublicKey,
    /// Not an age X25519 identity (`AGE-SECRET-KEY-1…`).
    NotAnIdentity,
}

/// Checks a typed centre key; trims spaces. Empty is `Ok(None)` (no key).
pub fn parse_recipient(typed: &str) -> Result<Option<String>, KeyProblem> {
    let t = typed.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if t.to_ascii_uppercase().starts_with("AGE-SECRET-KEY-") {
        return Err(KeyProblem::SecretKey);
    }
    t.parse::<age::x25519::Recipient>().map(|r| Some(r.to_string())).map_err(|_| KeyProblem::NotARecipient)
}

/// Why sealing failed (never with the data).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealError(pub String);

/// `plain` sealed to every recipient (each can open it alone).
pub fn seal(recipients: &[String], plain: &[u8]) -> Result<Vec<u8>, SealError> {
    let parsed: Vec<age::x25519::Recipient> = recipients
        .iter()
        .map(|r| r.parse::<age::x25519::Recipient>().map_err(|e| SealError(e.to_string())))
        .collect::<Result<_, _>>()?;
    let encryptor = age::Encryptor::with_recipients(parsed.iter().map(|r| r as &dyn age::Recipient))
        .map_err(|e| SealError(e.to_string()))?;
    let mut out = Vec::with_capacity(plain.len() + 512);
    let mut w = encryptor.wrap_output(&mut out).map_err(|e| SealError(e.to_string()))?;
    w.write_all(plain).map_err(|e| SealError(e.to_string()))?;
    w.finish().map_err(|e| SealError(e.to_string()))?;
    Ok(out)
}

/// Checks a typed centre identity (the secret key, `AGE-SECRET-KEY-1…`: only for the centre's own staff tablet, which
/// opens sealed batches); trims spaces. Returns it as the canonical text, or why not.
pub fn parse_identity(typed: &str) -> Result<String, KeyProblem> {
    use age::secrecy::ExposeSecret;
    let t = typed.trim();
    if t.starts_with("age1") {
        return Err(KeyProblem::PublicKey);
    }
    t.parse::<age::x25519::Identity>()
        .map(|i| i.to_string().expose_secret().to_owned())
        .map_err(|_| KeyProblem::NotAnIdentity)
}

/// The public key (`age1…`) of an identity, to show which one a device holds.
pub fn recipient_of(identity: &str) -> Option<String> {
    identity.parse::<age::x25519::Identity>().ok().map(|i| i.to_public().to_string())
}

/// Why a sealed file did not open (nothing of it is used).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenProblem {
    /// Sealed to other keys: not for the identity this device holds.
    NotForThisKey,
    /// Damaged, cut off or changed after sealing.
    Damaged,
}

/// Opens a file sealed with [`seal`] (or `age -r`), with the centre's identity.
pub fn open(identity: &str, sealed: &[u8]) -> Result<Vec<u8>, OpenProblem> {
    use std::io::Read;
    let id: age::x25519::Identity = identity.parse().map_err(|_| OpenProblem::NotForThisKey)?;
    let decryptor = age::Decryptor::new(sealed).map_err(|_| OpenProblem::Damaged)?;
    let mut reader = decryptor.decrypt(std::iter::once(&id as &dyn age::Identity)).map_err(|e| match e {
        age::DecryptError::NoMatchingKeys => OpenProblem::NotForThisKey,
        _ => OpenProblem::Damaged,
    })?;
    let mut out = Vec::with_capacity(sealed.len());
    reader.read_to_end(&mut out).map_err(|_| OpenProblem::Damaged)?;
    Ok(out)
}

/// Whether a file is an age file (sealed to some key), by its first bytes.
pub fn is_sealed(bytes: &[u8]) -> bool {
    bytes.starts_with(AGE_MAGIC)
}

#[cfg(test)]
mod tests {
    use super::*;
    use age::secrecy::ExposeSecret;
    use std::io::Read;

    fn open(identity: &age::x25519::Identity, sealed: &[u8]) -> Option<Vec<u8>> {
        let dec = age::Decryptor::new(sealed).ok()?;
        let mut r = dec.decrypt(std::iter::once(identity as &dyn age::Identity)).ok()?;
        let mut out = vec![];
        r.read_to_end(&mut out).ok()?;
        Some(out)
    }

    #[test]
    fn sealed_to_the_centre_and_its_backup_each_opens_alone() {
        let (centre, backup, stranger) =
            (age::x25519::Identity::generate(), age::x25519::Identity::generate(), age::x25519::Identity::generate());
        let keys = vec![centre.to_public().to_string(), backup.to_public().to_string()];
        let text = r#"{"format":"pryiom-batch","version":1,"records":[{"data":{"surname":"Шевченко"}}]}"#;
        let sealed = seal(&keys, text.as_bytes()).unwrap();
        assert!(is_sealed(&sealed));
        assert!(!sealed.windows(8).any(|w| w == &"Шевченко".as_bytes()[..8]));
        assert_eq!(open(&centre, &sealed).unwrap(), text.as_bytes());
        assert_eq!(open(&backup, &sealed).unwrap(), text.as_bytes());
        assert_eq!(open(&stranger, &sealed), None);
        let mut tampered = sealed.clone();
        let last = tampered.len() - 5;
        tampered[last] ^= 1;
        assert_eq!(open(&centre, &tampered), None);
    }

    #[test]
    fn only_a_public_age_key_is_accepted() {
        let id = age::x25519::Identity::generate();
        let public = id.to_public().to_string();
        assert_eq!(parse_recipient(&format!("  {public} ")), Ok(Some(public.clone())));
        assert_eq!(parse_recipient(""), Ok(None));
        assert_eq!(parse_recipient(id.to_string().expose_secret()), Err(KeyProblem::SecretKey));
        assert_eq!(parse_recipient("age1notakey"), Err(KeyProblem::NotARecipient));
        assert_eq!(parse_recipient(&public[..public.len() - 1]), Err(KeyProblem::NotARecipient));
        assert_eq!(parse_recipient("ssh-ed25519 AAAA"), Err(KeyProblem::NotARecipient));
    }

    #[test]
    fn the_centre_identity_opens_what_was_sealed_to_it_and_nothing_else() {
        let (centre, stranger) = (age::x25519::Identity::generate(), age::x25519::Identity::generate());
        let secret = centre.to_string().expose_secret().to_owned();
        assert_eq!(parse_identity(&format!("  {secret}\n")), Ok(secret.clone()));
        assert_eq!(parse_identity(&centre.to_public().to_string()), Err(KeyProblem::PublicKey));
        assert_eq!(parse_identity("AGE-SECRET-KEY-1QQQ"), Err(KeyProblem::NotAnIdentity));
        assert_eq!(recipient_of(&secret), Some(centre.to_public().to_string()));
        let text = "{\"format\":\"pryiom-batch\",\"surname\":\"Шевченко\"}";
        let sealed = seal(&[centre.to_public().to_string()], text.as_bytes()).unwrap();
        assert_eq!(super::open(&secret, &sealed).unwrap(), text.as_bytes());
        let other = seal(&[stranger.to_public().to_string()], text.as_bytes()).unwrap();
        assert_eq!(super::open(&secret, &other), Err(OpenProblem::NotForThisKey));
        let mut changed = sealed.clone();
        let last = changed.len() - 3;
        changed[last] ^= 1;
        assert_eq!(super::open(&secret, &changed), Err(OpenProblem::Damaged));
        assert_eq!(super::open(&secret, &sealed[..sealed.len() - 20]), Err(OpenProblem::Damaged));
        assert_eq!(super::open(&secret, b"age-encryption.org/v1\n-> nonsense"), Err(OpenProblem::Damaged));
    }
}
