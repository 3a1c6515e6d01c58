//! The one non-cryptographic hash every stage takes: 64-bit FNV-1a.
//!
//! It names the published asset files (`casebook.3f2a1c9e.css`) and versions
//! the search index, so its output is part of the site and must never
//! change; the live preview's fingerprints use it too, so there is one hash
//! to know. It is deterministic (no random keys), so values compare across
//! runs. Where a digest must resist someone choosing the input, SHA-256 is
//! used instead, and says why where it is.

use std::hash::{Hash, Hasher};

const OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
const PRIME: u64 = 0x0000_0100_0000_01b3;

/// FNV-1a as a [`Hasher`]: bytes written one after another hash as if
/// written at once.
pub struct Fnv1a(u64);

impl Default for Fnv1a {
    fn default() -> Self {
        Fnv1a(OFFSET_BASIS)
    }
}

impl Hasher for Fnv1a {
    fn write(&mut self, bytes: &[u8]) {
        self.0 = bytes.iter().fold(self.0, |hash, &byte| {
            (hash ^ u64::from(byte)).wrapping_mul(PRIME)
        });
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// The hash of the bytes themselves, with nothing added: what names files.
pub fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut hasher = Fnv1a::default();
    hasher.write(bytes);
    hasher.finish()
}

/// The hash of any [`Hash`] value: a fingerprint of what a page or file is
/// made from. Values are hashed as `Hash` feeds them (lengths included), so
/// this differs from [`hash_bytes`] of the same bytes.
pub fn hash_of<T: Hash + ?Sized>(value: &T) -> u64 {
    let mut hasher = Fnv1a::default();
    value.hash(&mut hasher);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_its_reference_values() {
        for (bytes, hash) in [
            (&b""[..], 0xcbf2_9ce4_8422_2325),
            (b"a", 0xaf63_dc4c_8601_ec8c),
            (b"foobar", 0x8594_4171_f739_67e8),
        ] {
            assert_eq!(hash_bytes(bytes), hash, "{bytes:?}");
        }
    }

    #[test]
    fn bytes_written_in_pieces_hash_as_written_at_once() {
        let mut hasher = Fnv1a::default();
        hasher.write(b"foo");
        hasher.write(b"bar");
        assert_eq!(hasher.finish(), hash_bytes(b"foobar"));
    }
}
