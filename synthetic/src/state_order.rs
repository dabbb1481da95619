//! The ministry's state order (state educational grants) by academic year, level, field of
//! education and quota.
//!
//! Exact: the 2024-2025 grants by level (78,219 bachelor's, 13,113 master's, 2,919 doctoral;
//! 94,251 in all), the grants for pedagogical specialties (field 01) of every year (Figure
//! 2.2.1), and the 2024 grants by social category and for ethnic Kazakhs (2023 too), read as
//! the quotas of the state order, with the 5,000 targeted regional grants of 2024. Totals and
//! splits of earlier years are synthetic (scaled with the pedagogical grants).

use rand_chacha::ChaCha8Rng;

use crate::marginals::{records, split, total as marginal_total, Marginal};
use hestat_reference::{count, field, published, rows_where};

/// One row of the state order file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateOrderRow {
    pub academic_year: i32,
    pub level: &'static str,
    pub field: &'static str,
    pub quota: &'static str,
    pub grants: u64,
}

fn published_2024(indicator: &str) -> Vec<(String, u64)> {
    rows_where("text_3_2_grants_2024", &[("indicator", indicator)])
        .iter()
        .map(|r| (format!("{}|{}", field(r, "period"), field(r, "category")), count(r)))
        .collect()
}

fn value(rows: &[(String, u64)], key: &str) -> u64 {
    rows.iter().find(|(k, _)| k == key).map_or(0, |(_, n)| *n)
}

/// Grants for pedagogical specialties by the start year of the academic year.
fn pedagogical(year: i32) -> u64 {
    published("text_2_2_pedagogical_grants")
        .into_iter()
        .find(|r| field(r, "academic_year").starts_with(&year.to_string()))
        .map_or(0, |r| count(&r))
}

/// The state order of one academic year (start year), and the decisions taken.
pub fn state_order(year: i32, rng: &mut ChaCha8Rng) -> Result<(Vec<StateOrderRow>, Vec<String>), String> {
    let mut decisions = Vec::new();
    let allocated = published_2024("state_educational_grants_allocated");
    let levels_2024: Marginal = vec![
        ("bachelor", value(&allocated, "2024-2025|Bachelor's")),
        ("master", value(&allocated, "2024-2025|Master's")),
        ("doctoral", value(&allocated, "2024-2025|Doctoral")),
    ];
    let total_2024 = value(&allocated, "2024-2025|Total");
    let teachers = pedagogical(year);
    let total = if year == 2024 {
        total_2024
    } else {
        let scaled = (total_2024 as f64 * teachers as f64 / pedagogical(2024) as f64).round() as u64;
        decisions.push(format!("{year}: {scaled} grants in all (synthetic: 2024's total scaled with the pedagogical grants)"));
        scaled
    };
    let by_level = if year == 2024 {
        levels_2024
    } else {
        split(total, &levels_2024.iter().map(|(l, n)| (*l, *n as f64)).collect::<Vec<_>>())
    };
    let others: Vec<(&'static str, f64)> =
        [("02", 5.0), ("03", 6.0), ("04", 8.0), ("05", 9.0), ("06", 14.0), ("07", 22.0), ("08", 7.0), ("09", 2.0), ("10", 12.0), ("11", 4.0), ("12", 1.0)]
            .to_vec();
    let mut by_field: Marginal = vec![("01", teachers)];
    by_field.extend(split(total - teachers, &others));
    decisions.push(format!("{year}: grants outside field 01 spread over fields 02-12 (synthetic)"));
    let social = published_2024("grants_awarded_by_competition_social_category");
    let kandas = published_2024("grants_awarded_ethnic_kazakhs");
    let mut by_quota: Marginal = if year == 2024 {
        vec![
            ("orphan", value(&social, "2024|Orphans")),
            ("disability", value(&social, "2024|Persons with disabilities")),
            ("large_family", value(&social, "2024|Children from large families")),
            ("single_parent", value(&social, "2024|Children from single-parent families")),
            ("disabled_child_family", value(&social, "2024|Children from families raising children with disabilities")),
            ("kandas", value(&kandas, "2024|Ethnic Kazakhs (kandas)")),
            ("targeted_regional", 5000),
        ]
    } else {
        let mut q = split(total / 20, &[("orphan", 412.0), ("disability", 382.0), ("large_family", 3576.0), ("single_parent", 933.0), ("disabled_child_family", 437.0)]);
        let kandas_2023 = value(&kandas, "2023|Ethnic Kazakhs (kandas)");
        q.push(("kandas", if year == 2023 { kandas_2023 } else { kandas_2023 * 9 / 10 }));
        decisions.push(format!("{year}: quotas other than kandas 2023 are synthetic"));
        q
    };
    let quota_sum = marginal_total(&by_quota);
    by_quota.push(("none", total - quota_sum));
    let mut grouped: std::collections::BTreeMap<(&'static str, &'static str, &'static str), u64> = std::collections::BTreeMap::new();
    for r in records(total, &[by_level, by_field, by_quota], rng)? {
        *grouped.entry((r[0], r[1], r[2])).or_default() += 1;
    }
    let rows = grouped
        .into_iter()
        .map(|((level, field, quota), grants)| StateOrderRow { academic_year: year, level, field, quota, grants })
        .collect();
    Ok((rows, decisions))
}
