//! Personal identifiers: IINs are replaced by a keyed hash, and never shown.
//!
//! An IIN (the 12-digit individual identification number) is personal data. At ingestion it
//! becomes `iin:` followed by 32 hex digits of HMAC-SHA256 under a secret key that comes from
//! configuration or the environment and is never written anywhere. The same key gives the
//! same pseudonym across files and years, so duplicates are still found. Values shown in the
//! validation report go through [`mask_personal`].

use std::borrow::Cow;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// Keyed pseudonymisation of student and staff identifiers.
#[derive(Clone)]
pub struct PersonIdHasher {
    key: Vec<u8>,
    /// Whether the key was made up for this run (pseudonyms then differ between runs).
    pub ephemeral: bool,
}

impl std::fmt::Debug for PersonIdHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The key is never printed.
        f.debug_struct("PersonIdHasher").field("ephemeral", &self.ephemeral).finish_non_exhaustive()
    }
}

/// Whether a value is shaped like an IIN: exactly 12 digits.
pub fn is_iin(value: &str) -> bool {
    value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit())
}

impl PersonIdHasher {
    pub fn new(key: &[u8]) -> Self {
        PersonIdHasher { key: key.to_vec(), ephemeral: false }
    }

    /// A key made from the process's randomness, for runs with no configured key.
    pub fn ephemeral() -> Self {
        use std::collections::hash_map::RandomState;
        use std::hash::{BuildHasher, Hasher};
        let mut key = Vec::with_capacity(32);
        for i in 0..4u64 {
            let mut h = RandomState::new().build_hasher();
            h.write_u64(i);
            key.extend_from_slice(&h.finish().to_le_bytes());
        }
        PersonIdHasher { key, ephemeral: true }
    }

    /// A fingerprint of the key (an HMAC of a fixed label under it; the key cannot be
    /// recovered from it): readings kept under one key are reused only under the same key.
    pub fn fingerprint(&self) -> String {
        match <Hmac<Sha256> as KeyInit>::new_from_slice(&self.key) {
            Ok(mut mac) => {
                mac.update(b"hestat: identifier key fingerprint");
                crate::reuse::hex(&mac.finalize().into_bytes()[..16])
            }
            Err(_) => String::new(),
        }
    }

    /// The value to stage for an identifier: a pseudonymous ID as given, an IIN as its
    /// keyed hash.
    pub fn pseudonymise<'a>(&self, id: Cow<'a, str>) -> Cow<'a, str> {
        if !is_iin(&id) {
            return id;
        }
        let mut mac = match <Hmac<Sha256> as KeyInit>::new_from_slice(&self.key) {
            Ok(mac) => mac,
            // HMAC takes keys of any length; this branch cannot be reached.
            Err(_) => return Cow::Borrowed("iin:unhashable"),
        };
        mac.update(id.as_bytes());
        let digest = mac.finalize().into_bytes();
        let mut out = String::with_capacity(36);
        out.push_str("iin:");
        for byte in &digest[..16] {
            out.push_str(&format!("{byte:02x}"));
        }
        Cow::Owned(out)
    }
}

/// Masks every run of 9 to 12 digits in a shown cell value (an IIN, also one that lost its
/// leading zeros or was mistyped).
pub fn mask_personal(value: &str) -> String {
    mask_digit_runs(value, 9..=12)
}

/// Masks every IIN-shaped run (exactly 12 digits) in a message; other numbers, such as byte
/// or cell counts, stay readable.
pub fn mask_iin(text: &str) -> String {
    mask_digit_runs(text, 12..=12)
}

fn mask_digit_runs(value: &str, lengths: std::ops::RangeInclusive<usize>) -> String {
    let mut out = String::with_capacity(value.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if lengths.contains(&run.len()) {
            out.extend(std::iter::repeat_n('*', run.len()));
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for ch in value.chars() {
        if ch.is_ascii_digit() {
            run.push(ch);
        } else {
            flush(&mut run, &mut out);
            out.push(ch);
        }
    }
    flush(&mut run, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iin_is_hashed_with_the_key_and_pseudonyms_pass_through() {
        let a = PersonIdHasher::new(b"key-a");
        let b = PersonIdHasher::new(b"key-b");
        let hashed = a.pseudonymise("990101300123".into());
        assert!(hashed.starts_with("iin:") && hashed.len() == 36, "{hashed}");
        assert!(!hashed.contains("990101300123"));
        assert_eq!(hashed, a.pseudonymise("990101300123".into()));
        assert_ne!(hashed, b.pseudonymise("990101300123".into()));
        assert_eq!(a.pseudonymise("S-0001".into()), "S-0001");
        assert_eq!(a.pseudonymise("99010130012".into()), "99010130012");
    }

    #[test]
    fn masking_hides_iin_shaped_runs_only() {
        assert_eq!(mask_personal("990101300123"), "************");
        assert_eq!(mask_personal("ID 990101300123, course 2"), "ID ************, course 2");
        assert_eq!(mask_personal("2024-2025"), "2024-2025");
        assert_eq!(mask_personal("1234567890123"), "1234567890123");
        assert_eq!(mask_iin("4294967294 bytes, id 990101300123"), "4294967294 bytes, id ************");
    }
}
