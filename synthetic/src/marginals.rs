//! Records whose one-way marginals are exact.
//!
//! Each attribute's published distribution (a marginal) is expanded into one label per
//! record, the expansions are shuffled with the seeded generator and zipped: every marginal
//! then holds exactly, whatever the others are. Where no figure is published, a plausible
//! split is made by largest-remainder apportionment, which also sums exactly.

use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

/// A marginal: (label, count) pairs.
pub type Marginal = Vec<(&'static str, u64)>;

/// How many records a marginal describes.
pub fn total(marginal: &[(&str, u64)]) -> u64 {
    marginal.iter().map(|(_, n)| n).sum()
}

/// Splits `total` in proportion to `weights`, in whole numbers that add up to `total`
/// (largest remainders get the leftover units; ties go to the earlier weight).
pub fn apportion(total: u64, weights: &[f64]) -> Vec<u64> {
    let sum: f64 = weights.iter().filter(|w| **w > 0.0).sum();
    if weights.is_empty() || sum <= 0.0 {
        return vec![0; weights.len()];
    }
    let exact: Vec<f64> = weights.iter().map(|w| w.max(0.0) / sum * total as f64).collect();
    let mut parts: Vec<u64> = exact.iter().map(|e| e.floor() as u64).collect();
    let mut left = total - parts.iter().sum::<u64>();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|&a, &b| (exact[b] - exact[b].floor()).total_cmp(&(exact[a] - exact[a].floor())).then(a.cmp(&b)));
    for i in order.into_iter().cycle() {
        if left == 0 {
            break;
        }
        if weights[i] > 0.0 {
            parts[i] += 1;
            left -= 1;
        }
    }
    parts
}

/// A marginal from labels and weights, apportioned to `total`.
pub fn split(total: u64, shares: &[(&'static str, f64)]) -> Marginal {
    let parts = apportion(total, &shares.iter().map(|(_, w)| *w).collect::<Vec<_>>());
    shares.iter().map(|(label, _)| *label).zip(parts).collect()
}

/// `total` records, one label per marginal each; every marginal must add up to `total`.
pub fn records(total: u64, marginals: &[Marginal], rng: &mut ChaCha8Rng) -> Result<Vec<Vec<&'static str>>, String> {
    let mut columns = Vec::with_capacity(marginals.len());
    for (i, marginal) in marginals.iter().enumerate() {
        let sum = self::total(marginal);
        if sum != total {
            return Err(format!("marginal {i} adds up to {sum}, not {total}"));
        }
        let mut column: Vec<&'static str> =
            marginal.iter().flat_map(|(label, n)| std::iter::repeat_n(*label, *n as usize)).collect();
        column.shuffle(rng);
        columns.push(column);
    }
    Ok((0..total as usize).map(|r| columns.iter().map(|c| c[r]).collect()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn apportionment_is_exact_and_proportional() {
        assert_eq!(apportion(10, &[1.0, 1.0, 1.0]), vec![4, 3, 3]);
        assert_eq!(apportion(7, &[0.5, 0.25, 0.25]), vec![3, 2, 2]);
        assert_eq!(apportion(5, &[0.0, 2.0]), vec![0, 5]);
        assert_eq!(apportion(0, &[1.0]), vec![0]);
    }

    #[test]
    fn records_keep_every_marginal_exactly() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let country: Marginal = vec![("KGZ", 5), ("RUS", 3), ("TUR", 2)];
        let mode: Marginal = vec![("online", 4), ("offline", 6)];
        let rows = records(10, &[country, mode], &mut rng).unwrap();
        let count = |col: usize, label: &str| rows.iter().filter(|r| r[col] == label).count();
        assert_eq!((count(0, "KGZ"), count(0, "RUS"), count(0, "TUR")), (5, 3, 2));
        assert_eq!((count(1, "online"), count(1, "offline")), (4, 6));
        assert!(records(11, &[vec![("a", 10)]], &mut rng).is_err());
    }
}
