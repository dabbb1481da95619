//! Finding the keys that occur more than once among millions of rows, in little memory: the
//! duplicate-student check of a national run looks at every student row of every file (24
//! million at ten times the national size). Each row enters as 16 bytes, the hash of its key
//! and its place; the pairs are sorted in parallel, and only rows whose hash repeats have
//! their key looked at again, which also tells hash collisions apart. A map from key to
//! first row, the obvious way, holds the key and a row reference per row: four times more.

use std::hash::{BuildHasher, Hash};

use rayon::prelude::*;

/// A place no row has: marks a slot left empty (the row has no key).
pub(crate) const NO_ROW: u64 = u64::MAX;

/// The hasher of keys: fixed, so a run's groups do not depend on a random seed.
pub(crate) fn key_hash<K: Hash>(key: &K) -> u64 {
    foldhash::quality::FixedState::with_seed(0x6865_7374_6174).hash_one(key)
}

/// Groups of places (ascending) that share a key, each group of two or more places, the
/// groups in the order of their first place. `hashed` holds `(key_hash(key), place)` for
/// every place with a key, in any order, and places [`NO_ROW`] for slots to skip; `key_of`
/// gives a place's key again (called only for places whose hash repeats).
pub(crate) fn repeated_keys<K: Ord>(mut hashed: Vec<(u64, u64)>, key_of: impl Fn(u64) -> K) -> Vec<Vec<u64>> {
    hashed.retain(|&(_, place)| place != NO_ROW);
    hashed.par_sort_unstable();
    let mut groups: Vec<Vec<u64>> = Vec::new();
    for run in hashed.chunk_by(|a, b| a.0 == b.0).filter(|run| run.len() > 1) {
        // Places of one hash, by key (collisions apart), then by place.
        let mut keyed: Vec<(K, u64)> = run.iter().map(|&(_, place)| (key_of(place), place)).collect();
        keyed.sort_unstable();
        for same in keyed.chunk_by(|a, b| a.0 == b.0).filter(|same| same.len() > 1) {
            groups.push(same.iter().map(|e| e.1).collect());
        }
    }
    groups.sort_unstable_by_key(|g| g[0]);
    groups
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    /// The obvious way: a map from key to its places.
    fn naive(keys: &[Option<(i64, String)>]) -> Vec<Vec<u64>> {
        let mut places: BTreeMap<&(i64, String), Vec<u64>> = BTreeMap::new();
        for (p, k) in keys.iter().enumerate() {
            if let Some(k) = k {
                places.entry(k).or_default().push(p as u64);
            }
        }
        let mut groups: Vec<Vec<u64>> = places.into_values().filter(|g| g.len() > 1).collect();
        groups.sort_by_key(|g| g[0]);
        groups
    }

    fn hashed(keys: &[Option<(i64, String)>], hash: impl Fn(&(i64, String)) -> u64) -> Vec<(u64, u64)> {
        keys.iter().enumerate().map(|(p, k)| k.as_ref().map_or((0, NO_ROW), |k| (hash(k), p as u64))).collect()
    }

    fn key_list() -> impl Strategy<Value = Vec<Option<(i64, String)>>> {
        // Few years and ids, so keys repeat often; `None` is a row without a key.
        proptest::collection::vec(proptest::option::weighted(0.9, (2021i64..2024, "[ab]{1,3}")), 0..300)
    }

    proptest! {
        #[test]
        fn groups_equal_a_map_of_keys(keys in key_list()) {
            let key_of = |p: u64| keys[p as usize].clone().unwrap_or_default();
            prop_assert_eq!(repeated_keys(hashed(&keys, key_hash), key_of), naive(&keys));
        }

        #[test]
        fn groups_survive_every_hash_colliding(keys in key_list()) {
            let key_of = |p: u64| keys[p as usize].clone().unwrap_or_default();
            prop_assert_eq!(repeated_keys(hashed(&keys, |_| 7), key_of), naive(&keys));
        }
    }

    #[test]
    fn two_students_under_one_colliding_hash_are_told_apart() {
        let keys = vec![
            Some((2024, "s1".to_string())),
            Some((2024, "s2".to_string())),
            None,
            Some((2024, "s2".to_string())),
            Some((2023, "s1".to_string())),
            Some((2024, "s1".to_string())),
            Some((2024, "s3".to_string())),
        ];
        let key_of = |p: u64| keys[p as usize].clone().unwrap_or_default();
        assert_eq!(repeated_keys(hashed(&keys, |_| 1), key_of), vec![vec![0, 5], vec![1, 3]]);
    }
}
