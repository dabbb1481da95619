//! Disclosure control of published counts: small groups of people (students with a
//! disability in one university, one country of origin in one field) must not be identifiable
//! from a public table, nor recoverable from its totals. Two rules, chosen in configuration:
//!
//! - [`Rule::Threshold`]: a count of fewer than `minimum` persons (but more than none) is
//!   suppressed (primary), and further cells are suppressed (secondary) until no line of the
//!   table (the cells that add up to one of its `Total` cells, along one dimension) has exactly
//!   one suppressed cell, or suppressed parts that together leave one of them less than
//!   `minimum` persons of room; complements are chosen among the line's cells of at least
//!   `minimum` persons, smallest first, so that the interval an attacker can solve for a
//!   suppressed cell from the published cells and the table's additivity is at least `minimum`
//!   wide (the tests solve for it).
//! - [`Rule::Rounding`]: HESA's standard rounding: every count to the nearest multiple of 5,
//!   counts under 2.5 shown as 0, totals rounded from their unrounded values (not summed from
//!   rounded parts); percentages on fewer than 22.5 persons suppressed.
//!
//! Suppressed cells are published without a value and with the flag `c` (confidential, the
//! symbol of the UK's statistical data files); rounded cells keep their value and say so in
//! the table's metadata.

use std::collections::BTreeMap;

use hestat_transform::placement::Key;
use microlp::{ComparisonOp, OptimizationDirection, Problem, SolveOutcome};

/// The flag and symbol of a suppressed cell.
pub const CONFIDENTIAL: &str = "c";

/// A disclosure-control rule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Rule {
    /// Suppress counts of 1 to `minimum - 1` persons, with secondary suppression.
    Threshold { minimum: f64 },
    /// HESA's rounding to the nearest 5.
    Rounding,
}

impl Rule {
    /// The rule in words, for the metadata and the report.
    pub fn describe(self) -> String {
        match self {
            Rule::Threshold { minimum } => format!(
                "threshold: counts of fewer than {minimum} persons are suppressed (c), and further cells (c) so that none can be recovered from the table's totals"
            ),
            Rule::Rounding => "rounding (HESA): counts rounded to the nearest 5, counts under 2.5 shown as 0, totals rounded from their unrounded values; percentages on fewer than 22.5 persons suppressed (c)".to_string(),
        }
    }
}

/// One count of a table to protect: its key (dimension → code; `Total` in the dimensions it is
/// a total of) and its unrounded value.
#[derive(Debug, Clone, PartialEq)]
pub struct Count {
    pub key: Key,
    pub value: f64,
}

/// A cell as published: its value (none when suppressed) and its flag.
#[derive(Debug, Clone, PartialEq)]
pub struct Published {
    pub value: Option<f64>,
    pub flag: Option<&'static str>,
}

/// Why a cell is suppressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Suppression {
    /// A small count.
    Primary,
    /// A complement, so that the small counts cannot be recovered.
    Secondary,
}

/// The lines of a table: for each dimension in `margins`, the cells that share every other
/// dimension's value, one of them the `Total` of that dimension (index of the total, indexes of
/// the parts). Lines without their total cell are not constraints and are left out.
pub fn lines(counts: &[Count], margins: &[&str]) -> Vec<Line> {
    let mut lines = Vec::new();
    for dimension in margins {
        // Grouped by the other dimensions' values in a hash map, then put in the order of
        // those values (the lines' order decides which complements are chosen).
        let mut groups: foldhash::HashMap<Vec<(&str, &str)>, (Option<usize>, Vec<usize>)> = foldhash::HashMap::default();
        for (i, c) in counts.iter().enumerate() {
            let Some(value) = c.key.get(*dimension) else { continue };
            let group = groups.entry(key_without(&c.key, dimension)).or_default();
            if value == "Total" {
                group.0 = Some(i);
            } else {
                group.1.push(i);
            }
        }
        let mut groups: Vec<_> = groups.into_iter().collect();
        groups.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        lines.extend(groups.into_iter().filter_map(|(_, (total, parts))| total.map(|t| (t, parts))).filter(|(_, parts)| !parts.is_empty()));
    }
    lines
}

/// A key's pairs but `dimension`'s, borrowed, in the key's order.
pub(crate) fn key_without<'k>(key: &'k Key, dimension: &str) -> Vec<(&'k str, &'k str)> {
    key.iter().filter(|(k, _)| k.as_str() != dimension).map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

/// A line of a table: the index of a total cell and the indexes of the cells that add up
/// to it.
pub type Line = (usize, Vec<usize>);

/// The cells the threshold rule suppresses, and why (`None`: published). The line rules
/// ([`exposed`]) choose the complements; an audit then solves, for every suppressed cell, the
/// interval an attacker can narrow it to ([`feasible_interval`]), and suppresses one more cell
/// of its lines while any is narrower than `minimum`.
pub fn threshold(counts: &[Count], margins: &[&str], minimum: f64) -> Vec<Option<Suppression>> {
    let pinned = vec![false; counts.len()];
    threshold_lines(counts, &lines(counts, margins), minimum, &pinned)
}

/// Groups of suppressed cells larger than this are protected by the line rules alone: the
/// audit solves two linear programmes per cell of a group, each with a variable per cell of
/// the group, which on a group of thousands of cells (a table by university, level, funding
/// and gender) would take hours. docs/disclosure.md says what the line rules guarantee.
pub const MAX_AUDITED_GROUP: usize = 150;

/// [`threshold`] over explicit lines (those of one table, or of several tables that share
/// margins, joined), where `pinned` cells are published whatever their value (cells another
/// table already publishes exactly): they are neither suppressed nor chosen as complements.
/// A suppressed cell whose lines have no cell left to suppress is as protected as the pinned
/// cells allow, and is left so.
pub fn threshold_lines(counts: &[Count], lines: &[Line], minimum: f64, pinned: &[bool]) -> Vec<Option<Suppression>> {
    let mut suppressed: Vec<Option<Suppression>> =
        counts.iter().zip(pinned).map(|(c, pinned)| (!pinned && c.value > 0.0 && c.value < minimum).then_some(Suppression::Primary)).collect();
    let mut lines_of: Vec<Vec<usize>> = vec![Vec::new(); counts.len()];
    for (n, (total, parts)) in lines.iter().enumerate() {
        for cell in std::iter::once(*total).chain(parts.iter().copied()) {
            lines_of[cell].push(n);
        }
    }
    // Groups of suppressed cells already audited (as their sorted members), and cells that
    // cannot be protected further.
    let mut audited: std::collections::HashSet<Vec<usize>> = std::collections::HashSet::new();
    let mut as_protected_as_allowed: std::collections::HashSet<usize> = std::collections::HashSet::new();
    let mut pending: Vec<usize> = (0..lines.len()).collect();
    loop {
        complete_lines(counts, lines, &lines_of, &mut pending, &mut suppressed, minimum, pinned);
        let hidden: Vec<bool> = suppressed.iter().map(Option::is_some).collect();
        let mut added = false;
        for component in hidden_components(lines, &hidden) {
            if component.len() > MAX_AUDITED_GROUP || audited.contains(&component) {
                continue;
            }
            let mut changed = false;
            for &cell in &component {
                if as_protected_as_allowed.contains(&cell) {
                    continue;
                }
                let (low, high) = interval_in_group(counts, lines, &lines_of, &component, cell);
                if high - low >= minimum - 1e-9 {
                    continue;
                }
                // Its lines' smallest open cell of at least `minimum`, else their largest open
                // cell (a zero too: a published zero bounds its neighbours); if its lines have
                // none, the same among the lines of its whole group.
                let open = |i: &usize| suppressed[*i].is_none() && !pinned[*i];
                let by_value = |a: &usize, b: &usize| counts[*a].value.total_cmp(&counts[*b].value);
                let choose = |around: &[usize]| {
                    around.iter().copied().filter(open).filter(|i| counts[*i].value >= minimum).min_by(by_value).or_else(|| around.iter().copied().filter(open).max_by(by_value))
                };
                let cells_of = |members: &mut dyn Iterator<Item = usize>| -> Vec<usize> {
                    members.flat_map(|c| lines_of[c].iter()).flat_map(|n| std::iter::once(lines[*n].0).chain(lines[*n].1.iter().copied())).collect()
                };
                let more = choose(&cells_of(&mut std::iter::once(cell))).or_else(|| choose(&cells_of(&mut component.iter().copied())));
                match more {
                    Some(more) => {
                        suppressed[more] = Some(Suppression::Secondary);
                        pending.extend(lines_of[more].iter().copied());
                        changed = true;
                        break;
                    }
                    None => {
                        as_protected_as_allowed.insert(cell);
                    }
                }
            }
            if changed {
                added = true;
            } else {
                audited.insert(component);
            }
        }
        if !added {
            return suppressed;
        }
    }
}

/// The suppressed cells in groups that share a line (directly or through other suppressed
/// cells): what an attacker solves for together. Each group sorted; groups in order.
fn hidden_components(lines: &[Line], hidden: &[bool]) -> Vec<Vec<usize>> {
    let mut parent: Vec<usize> = (0..hidden.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for (total, parts) in lines {
        let mut members = std::iter::once(*total).chain(parts.iter().copied()).filter(|i| hidden[*i]);
        if let Some(first) = members.next() {
            for other in members {
                let (a, b) = (root(&mut parent, first), root(&mut parent, other));
                parent[a] = b;
            }
        }
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in (0..hidden.len()).filter(|i| hidden[*i]) {
        let r = root(&mut parent, i);
        groups.entry(r).or_default().push(i);
    }
    let mut groups: Vec<Vec<usize>> = groups.into_values().collect();
    groups.sort();
    groups
}

/// Suppresses complements until no line is [`exposed`] (or none is left to suppress):
/// the `pending` lines are looked at, and the lines of each newly suppressed cell after them.
fn complete_lines(counts: &[Count], lines: &[Line], lines_of: &[Vec<usize>], pending: &mut Vec<usize>, suppressed: &mut [Option<Suppression>], minimum: f64, pinned: &[bool]) {
    while let Some(n) = pending.pop() {
        let (total, parts) = &lines[n];
        if exposed(counts, suppressed, *total, parts, minimum) {
            if let Some(complement) = complement(counts, suppressed, *total, parts, minimum, pinned) {
                suppressed[complement] = Some(Suppression::Secondary);
                pending.extend(lines_of[complement].iter().copied());
                pending.push(n);
            }
        }
    }
}

/// The least and greatest value cell `target` can take over every non-negative table whose
/// published cells (`hidden` false) are as published and whose lines add up: what an attacker
/// can solve for it (a linear programme; infinite when nothing bounds it).
pub fn feasible_interval(counts: &[Count], lines: &[Line], hidden: &[bool], target: usize) -> (f64, f64) {
    if !hidden[target] {
        return (counts[target].value, counts[target].value);
    }
    let mut lines_of: Vec<Vec<usize>> = vec![Vec::new(); counts.len()];
    for (n, (total, parts)) in lines.iter().enumerate() {
        for cell in std::iter::once(*total).chain(parts.iter().copied()) {
            lines_of[cell].push(n);
        }
    }
    let group = hidden_components(lines, hidden).into_iter().find(|c| c.contains(&target)).unwrap_or_else(|| vec![target]);
    interval_in_group(counts, lines, &lines_of, &group, target)
}

/// [`feasible_interval`] of a cell of `group`, the suppressed cells an attacker solves for
/// together: only the lines that hold one of them constrain it (the other lines hold
/// published cells only), so the programme has a variable per cell of the group.
fn interval_in_group(counts: &[Count], lines: &[Line], lines_of: &[Vec<usize>], group: &[usize], target: usize) -> (f64, f64) {
    let mut relevant: Vec<usize> = group.iter().flat_map(|c| lines_of[*c].iter().copied()).collect();
    relevant.sort_unstable();
    relevant.dedup();
    let solve = |direction| {
        let mut problem = Problem::new(direction);
        let vars: std::collections::HashMap<usize, _> = group.iter().map(|i| (*i, problem.add_var(if *i == target { 1.0 } else { 0.0 }, (0.0, f64::INFINITY)))).collect();
        for n in &relevant {
            let (total, parts) = &lines[*n];
            // parts − total = 0, with the published cells moved to the right-hand side.
            let mut terms = Vec::new();
            let mut constant = 0.0;
            for (cell, sign) in parts.iter().map(|p| (*p, 1.0)).chain(std::iter::once((*total, -1.0))) {
                match vars.get(&cell) {
                    Some(var) => terms.push((*var, sign)),
                    None => constant -= sign * counts[cell].value,
                }
            }
            problem.add_constraint(&terms, ComparisonOp::Eq, constant);
        }
        match problem.solve() {
            Ok(SolveOutcome::Solution(solution)) => Some(solution.objective()),
            Err(microlp::Error::Unbounded) => Some(f64::INFINITY),
            // The true table is a solution; a solver that finds none proves nothing: treat the
            // cell as unprotected so that more is suppressed.
            _ => None,
        }
    };
    match (solve(OptimizationDirection::Minimize), solve(OptimizationDirection::Maximize)) {
        (Some(low), Some(high)) => (low, high),
        _ => (counts[target].value, counts[target].value),
    }
}

/// Whether a line lets a suppressed cell be narrowed to less than `minimum`: it has exactly
/// one suppressed cell (recovered by subtraction), or suppressed parts that together hold
/// fewer than `minimum` persons while the total is published (each of them then lies between
/// 0 and that sum).
fn exposed(counts: &[Count], suppressed: &[Option<Suppression>], total: usize, parts: &[usize], minimum: f64) -> bool {
    let hidden_parts: Vec<usize> = parts.iter().copied().filter(|i| suppressed[*i].is_some()).collect();
    let hidden = hidden_parts.len() + usize::from(suppressed[total].is_some());
    if hidden == 1 {
        return true;
    }
    let hidden_sum: f64 = hidden_parts.iter().map(|i| counts[*i].value).sum();
    suppressed[total].is_none() && !hidden_parts.is_empty() && hidden_sum < minimum
}

/// The cell to suppress beside a line's one suppressed cell: its smallest open part of at
/// least `minimum`, else its total, else its largest open part (open: published, not pinned).
fn complement(counts: &[Count], suppressed: &[Option<Suppression>], total: usize, parts: &[usize], minimum: f64, pinned: &[bool]) -> Option<usize> {
    let open: Vec<usize> = parts.iter().copied().filter(|i| suppressed[*i].is_none() && !pinned[*i]).collect();
    let by_value = |a: &usize, b: &usize| counts[*a].value.total_cmp(&counts[*b].value);
    open.iter().copied().filter(|i| counts[*i].value >= minimum).min_by(by_value)
        .or_else(|| (suppressed[total].is_none() && !pinned[total]).then_some(total))
        .or_else(|| open.iter().copied().max_by(by_value))
}

/// HESA's rounding of a count: to the nearest multiple of 5, under 2.5 → 0.
pub fn round_count(value: f64) -> f64 {
    if value < 2.5 {
        0.0
    } else {
        (value / 5.0).round() * 5.0
    }
}

/// A table's counts as published under `rule`.
pub fn protect(counts: &[Count], margins: &[&str], rule: Rule) -> Vec<Published> {
    match rule {
        Rule::Threshold { minimum } => threshold(counts, margins, minimum)
            .into_iter()
            .zip(counts)
            .map(|(s, c)| match s {
                Some(_) => Published { value: None, flag: Some(CONFIDENTIAL) },
                None => Published { value: Some(c.value), flag: None },
            })
            .collect(),
        Rule::Rounding => counts.iter().map(|c| Published { value: Some(round_count(c.value)), flag: None }).collect(),
    }
}

/// A percentage as published under `rule`: suppressed under rounding when its base is fewer
/// than 22.5 persons; under the threshold rule, when its count is suppressed.
pub fn protect_share(share: f64, base: f64, count_suppressed: bool, rule: Rule) -> Published {
    let hidden = match rule {
        Rule::Rounding => base < 22.5,
        Rule::Threshold { .. } => count_suppressed,
    };
    if hidden {
        Published { value: None, flag: Some(CONFIDENTIAL) }
    } else {
        Published { value: Some(share), flag: None }
    }
}
