//! Records whose marginals are exact.
//!
//! One-way: each attribute's published distribution (a marginal) is expanded into one label
//! per record, the expansions are shuffled with the seeded generator and zipped: every
//! marginal then holds exactly, whatever the others are. Where no figure is published, a
//! plausible split is made by largest-remainder apportionment, which also sums exactly.
//!
//! Two-way: where two marginals must hold on a joint table (institution × field of education,
//! level × field), [`fit_table`] runs iterative proportional fitting from a seed table of
//! plausible weights, then rounds to whole numbers with a controlled rounding (a maximum flow
//! over the cells' fractional parts) that keeps every row and column total exact.

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

/// The labels of a marginal, one per record, in a seeded random order.
pub fn shuffled(marginal: &[(&'static str, u64)], rng: &mut ChaCha8Rng) -> Vec<&'static str> {
    let mut column: Vec<&'static str> =
        marginal.iter().flat_map(|(label, n)| std::iter::repeat_n(*label, *n as usize)).collect();
    column.shuffle(rng);
    column
}

/// A whole-number table with the given row and column totals, as close as IPF can make it
/// to the proportions of `seed` (cells with seed 0 stay 0). Fails when the totals differ or
/// a row or column with a positive total has no positive seed cell.
pub fn fit_table(rows: &[u64], cols: &[u64], seed: &[Vec<f64>]) -> Result<Vec<Vec<u64>>, String> {
    let x = fit_fractions(rows, cols, seed)?;
    controlled_rounding(&x, rows, cols)
}

/// Iterative proportional fitting of `seed` to the row and column totals (fractions).
fn fit_fractions(rows: &[u64], cols: &[u64], seed: &[Vec<f64>]) -> Result<Vec<Vec<f64>>, String> {
    let (total_rows, total_cols): (u64, u64) = (rows.iter().sum(), cols.iter().sum());
    if total_rows != total_cols {
        return Err(format!("row totals add up to {total_rows}, column totals to {total_cols}"));
    }
    let mut x: Vec<Vec<f64>> = seed.iter().map(|r| r.iter().map(|v| v.max(0.0)).collect()).collect();
    for _ in 0..500 {
        for (i, row) in x.iter_mut().enumerate() {
            let sum: f64 = row.iter().sum();
            if sum > 0.0 {
                row.iter_mut().for_each(|v| *v *= rows[i] as f64 / sum);
            } else if rows[i] > 0 {
                return Err(format!("row {i} needs {} but has no seed", rows[i]));
            }
        }
        let mut worst = 0.0f64;
        for (j, &target) in cols.iter().enumerate() {
            let sum: f64 = x.iter().map(|r| r[j]).sum();
            if sum > 0.0 {
                x.iter_mut().for_each(|r| r[j] *= target as f64 / sum);
            } else if target > 0 {
                return Err(format!("column {j} needs {target} but has no seed"));
            }
        }
        for (i, row) in x.iter().enumerate() {
            worst = worst.max((row.iter().sum::<f64>() - rows[i] as f64).abs());
        }
        if worst < 1e-7 {
            break;
        }
    }
    Ok(x)
}

/// Rounds a fitted table down, then hands the missing units to cells by a maximum flow
/// (rows → cells → columns, one unit per cell, largest fractional parts tried first), so
/// every row and column total is exact and no cell moves by more than one.
fn controlled_rounding(x: &[Vec<f64>], rows: &[u64], cols: &[u64]) -> Result<Vec<Vec<u64>>, String> {
    let floors: Vec<Vec<u64>> = x.iter().map(|r| r.iter().map(|v| v.floor() as u64).collect()).collect();
    let upper: Vec<Vec<u64>> = x.iter().zip(&floors).map(|(r, f)| r.iter().zip(f).map(|(v, f)| if *v > 0.0 { f + 1 } else { *f }).collect()).collect();
    route_units(floors.clone(), rows, cols, &floors, &upper, x).map_err(|row| format!("no whole-number table fits (row {row} cannot be completed)"))
}

/// A whole-number table with the given totals whose cells stay within `caps` (0: the cell
/// must stay empty), as close to the proportions of `seed` as the caps allow: IPF on the
/// seed, then rounding down under the caps, then the missing units routed by a maximum flow
/// in which any unit may move (fails when no table fits the caps).
pub fn fit_table_capped(rows: &[u64], cols: &[u64], seed: &[Vec<f64>], caps: &[Vec<u64>]) -> Result<Vec<Vec<u64>>, String> {
    let seed: Vec<Vec<f64>> = seed.iter().zip(caps).map(|(r, c)| r.iter().zip(c).map(|(v, c)| if *c == 0 { 0.0 } else { *v }).collect()).collect();
    let x = fit_fractions(rows, cols, &seed)?;
    let start: Vec<Vec<u64>> = x.iter().zip(caps).map(|(r, c)| r.iter().zip(c).map(|(v, c)| (v.floor() as u64).min(*c)).collect()).collect();
    let lower: Vec<Vec<u64>> = caps.iter().map(|r| vec![0; r.len()]).collect();
    route_units(start, rows, cols, &lower, caps, &x).map_err(|row| format!("no whole-number table fits the caps (row {row} cannot be completed)"))
}

/// [`fit_table_capped`], loosening the caps of a row that cannot be completed (doubled,
/// cells with cap 0 stay empty) until a table fits; returns the table and the rows loosened.
pub fn fit_table_loosening(rows: &[u64], cols: &[u64], seed: &[Vec<f64>], caps: &[Vec<u64>]) -> Result<(Vec<Vec<u64>>, Vec<usize>), String> {
    let mut caps = caps.to_vec();
    let mut loosened = Vec::new();
    let seed: Vec<Vec<f64>> = seed.iter().zip(&caps).map(|(r, c)| r.iter().zip(c).map(|(v, c)| if *c == 0 { 0.0 } else { *v }).collect()).collect();
    let x = fit_fractions(rows, cols, &seed)?;
    let lower: Vec<Vec<u64>> = caps.iter().map(|r| vec![0; r.len()]).collect();
    for _ in 0..64 {
        let start: Vec<Vec<u64>> = x.iter().zip(&caps).map(|(r, c)| r.iter().zip(c).map(|(v, c)| (v.floor() as u64).min(*c)).collect()).collect();
        match route_units(start, rows, cols, &lower, &caps, &x) {
            Ok(table) => return Ok((table, loosened)),
            Err(row) => {
                caps[row].iter_mut().filter(|c| **c > 0).for_each(|c| *c = c.saturating_mul(2).saturating_add(1));
                if !loosened.contains(&row) {
                    loosened.push(row);
                }
            }
        }
    }
    Err("no whole-number table fits, even with loosened caps".to_string())
}

/// Moves units into `table` along augmenting paths (row → column through a cell below its
/// upper bound, column → row through a cell above its lower bound, undone) until every row
/// and column total holds. Cells are tried in order of their fractional part in `x`.
/// Fails with the row that cannot be completed.
fn route_units(mut table: Vec<Vec<u64>>, rows: &[u64], cols: &[u64], lower: &[Vec<u64>], upper: &[Vec<u64>], x: &[Vec<f64>]) -> Result<Vec<Vec<u64>>, usize> {
    let mut row_need: Vec<u64> = rows.iter().zip(&table).map(|(t, r)| t.saturating_sub(r.iter().sum())).collect();
    let mut col_need: Vec<u64> = cols.iter().enumerate().map(|(j, t)| t.saturating_sub(table.iter().map(|r| r[j]).sum())).collect();
    // Cells that may take a unit, best first.
    let candidates: Vec<Vec<usize>> = x
        .iter()
        .map(|r| {
            let mut js: Vec<usize> = (0..r.len()).collect();
            js.sort_by(|&a, &b| (r[b] - r[b].floor()).total_cmp(&(r[a] - r[a].floor())).then(a.cmp(&b)));
            js
        })
        .collect();
    while let Some(start) = (0..rows.len()).find(|&i| row_need[i] > 0) {
        // Breadth-first search for an augmenting path.
        let mut came_from_col: Vec<Option<usize>> = vec![None; cols.len()]; // col ← row
        let mut came_from_row: Vec<Option<usize>> = vec![None; rows.len()]; // row ← col
        let mut seen_row = vec![false; rows.len()];
        seen_row[start] = true;
        let mut queue = std::collections::VecDeque::from([start]);
        let mut end = None;
        'search: while let Some(i) = queue.pop_front() {
            for &j in &candidates[i] {
                if table[i][j] >= upper[i][j] || came_from_col[j].is_some() {
                    continue;
                }
                came_from_col[j] = Some(i);
                if col_need[j] > 0 {
                    end = Some(j);
                    break 'search;
                }
                for k in 0..rows.len() {
                    if table[k][j] > lower[k][j] && !seen_row[k] {
                        seen_row[k] = true;
                        came_from_row[k] = Some(j);
                        queue.push_back(k);
                    }
                }
            }
        }
        let Some(mut j) = end else {
            return Err(start);
        };
        col_need[j] -= 1;
        while let Some(i) = came_from_col[j] {
            table[i][j] += 1;
            match came_from_row[i] {
                Some(prev) if i != start => {
                    table[i][prev] -= 1;
                    j = prev;
                }
                _ => {
                    row_need[i] -= 1;
                    break;
                }
            }
        }
    }
    let rows_ok = table.iter().zip(rows).all(|(r, t)| r.iter().sum::<u64>() == *t);
    let cols_ok = cols.iter().enumerate().all(|(j, t)| table.iter().map(|r| r[j]).sum::<u64>() == *t);
    if !(rows_ok && cols_ok) {
        return Err(rows.len());
    }
    Ok(table)
}

/// `total` records, one label per marginal each; every marginal must add up to `total`.
pub fn records(total: u64, marginals: &[Marginal], rng: &mut ChaCha8Rng) -> Result<Vec<Vec<&'static str>>, String> {
    let mut columns = Vec::with_capacity(marginals.len());
    for (i, marginal) in marginals.iter().enumerate() {
        let sum = self::total(marginal);
        if sum != total {
            return Err(format!("marginal {i} adds up to {sum}, not {total}"));
        }
        columns.push(shuffled(marginal, rng));
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

    #[test]
    fn fitted_tables_keep_both_margins_and_the_seed_pattern() {
        // A seed that favours the diagonal; totals that force units off it.
        let seed = vec![vec![5.0, 1.0, 0.0], vec![1.0, 5.0, 1.0], vec![0.5, 1.0, 5.0]];
        let (rows, cols) = ([7, 10, 4], [9, 5, 7]);
        let t = fit_table(&rows, &cols, &seed).unwrap();
        for (i, r) in t.iter().enumerate() {
            assert_eq!(r.iter().sum::<u64>(), rows[i]);
        }
        for j in 0..3 {
            assert_eq!(t.iter().map(|r| r[j]).sum::<u64>(), cols[j]);
        }
        assert_eq!(t[0][2], 0, "a zero seed cell stays empty");
        assert!(t[1][1] >= t[1][0] && t[1][1] >= t[1][2], "{t:?}");
        assert!(fit_table(&[3], &[2], &[vec![1.0]]).is_err());
        assert!(fit_table(&[2, 1], &[2, 1], &[vec![1.0, 0.0], vec![1.0, 0.0]]).is_err(), "column 1 has no seed");
    }

    #[test]
    fn capped_tables_respect_their_caps() {
        // Column 0 may hold at most 2 in each row: the rest must go to column 1.
        let seed = vec![vec![5.0, 1.0], vec![5.0, 1.0]];
        let caps = vec![vec![2, 10], vec![2, 10]];
        let t = fit_table_capped(&[5, 5], &[4, 6], &seed, &caps).unwrap();
        assert_eq!(t, vec![vec![2, 3], vec![2, 3]]);
        assert!(fit_table_capped(&[5, 5], &[5, 5], &seed, &caps).is_err(), "column 0 cannot reach 5 under caps of 2 + 2");
    }

    #[test]
    fn controlled_rounding_moves_units_along_paths() {
        // Fractions 0.5 everywhere: every row and column needs one unit more than its floors.
        let x = vec![vec![0.5, 0.5], vec![0.5, 0.5]];
        let t = controlled_rounding(&x, &[1, 1], &[1, 1]).unwrap();
        assert_eq!(t.iter().flatten().sum::<u64>(), 2);
        assert_eq!((t[0][0] + t[0][1], t[0][0] + t[1][0]), (1, 1));
    }
}
