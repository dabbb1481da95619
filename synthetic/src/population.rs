//! The statistics bureau's population (1 January, by region, single year of age and gender)
//! and the ministry of education's TVET (ISCED 5) students, per region.
//!
//! Chosen so that the gross enrollment ratios of 2023 the report names come out exactly at one
//! decimal (national 54.1; Almaty 106.4, Astana 92.6, Shymkent 102.4, Zhetysu 16.4, Ulytau 17.8,
//! Turkistan 19.3): for those regions the population aged 18 to 22 is the one that gives the
//! ratio with the roster's students (all but preparatory) plus TVET students; the other
//! regions share what the national ratio leaves. Before 2022, Abai, Zhetysu and Ulytau are
//! reported under their parents. Everything else is synthetic.

use std::collections::BTreeMap;

use hestat_contract::codes::code_lists;

use crate::marginals::apportion;
use hestat_reference::{field, published};

/// Synthetic population aged 18 to 22 in 2023 (persons), by region: the starting shape.
const BASE_18_22: [(&str, u64); 20] = [
    ("KZ-75", 125_000), ("KZ-71", 75_000), ("KZ-79", 70_000), ("KZ-61", 170_000), ("KZ-19", 95_000),
    ("KZ-33", 45_000), ("KZ-31", 75_000), ("KZ-43", 55_000), ("KZ-35", 75_000), ("KZ-62", 14_000),
    ("KZ-63", 45_000), ("KZ-10", 40_000), ("KZ-15", 60_000), ("KZ-27", 45_000), ("KZ-23", 45_000),
    ("KZ-47", 50_000), ("KZ-39", 45_000), ("KZ-59", 30_000), ("KZ-55", 45_000), ("KZ-11", 45_000),
];

/// Growth of the population aged 18-22 against 2023 (synthetic).
fn growth(year: i32) -> f64 {
    1.0 + 0.02 * f64::from(year - 2023)
}

/// One population row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PopulationRow {
    pub year: i32,
    pub region: &'static str,
    pub age: u8,
    pub gender: &'static str,
    pub population: u64,
}

/// The population and TVET files of one year.
#[derive(Debug, Clone, Default)]
pub struct RegionFiles {
    pub population: Vec<PopulationRow>,
    /// (academic year start, region, TVET students).
    pub tvet: Vec<(i32, &'static str, u64)>,
}

/// The published 2023 ratios: region code ("KZ" = national) → percent.
pub fn published_ratios() -> Vec<(String, f64)> {
    published("table_3_4_1")
        .into_iter()
        .filter(|r| field(r, "year") == "2023")
        .filter_map(|r| field(&r, "value").parse().ok().map(|v| (field(&r, "region_code").to_string(), v)))
        .collect()
}

fn ratio(students: u64, population: u64) -> f64 {
    (students as f64 * 1000.0 / population as f64).round() / 10.0
}

/// The region a region's data is reported under in `year`.
fn reported_region(region: &'static str, year: i32) -> &'static str {
    match code_lists().region(region).and_then(|r| r.parent_before_2022) {
        Some(parent) if year < 2022 => code_lists().region(parent).map_or(region, |r| r.code),
        _ => region,
    }
}

/// The population 18-22 (and TVET students) of every region in `year`, given the roster's
/// students other than preparatory by region of study; `scale` is the roster's scale.
/// `calibrate`: choose the 2023 populations for the published ratios (whole country only).
pub fn region_files(year: i32, students: &BTreeMap<&'static str, u64>, scale: f64, calibrate: bool) -> Result<RegionFiles, String> {
    let base = |r: &str| BASE_18_22.iter().find(|(c, _)| *c == r).map_or(0, |(_, n)| *n);
    let scaled = |n: u64| (n as f64 * scale * growth(year)).round() as u64;
    let tvet: BTreeMap<&'static str, u64> = BASE_18_22.iter().map(|(r, n)| (*r, scaled(n * 12 / 100))).collect();
    let numerator = |r: &str| students.get(r).copied().unwrap_or(0) + tvet.get(r).copied().unwrap_or(0);
    let mut pop: BTreeMap<&'static str, u64> = BASE_18_22.iter().map(|(r, n)| (*r, scaled(*n))).collect();
    if year == 2023 && calibrate {
        let targets = published_ratios();
        let named: Vec<(&'static str, f64)> =
            targets.iter().filter_map(|(code, v)| code_lists().region(code).map(|r| (r.code, *v))).collect();
        for (region, target) in &named {
            let num = numerator(region);
            let mut p = (num as f64 * 100.0 / target).round() as u64;
            while ratio(num, p) > *target {
                p += 1;
            }
            while ratio(num, p) < *target {
                p -= 1;
            }
            pop.insert(region, p);
        }
        let national = targets.iter().find(|(c, _)| c == "KZ").map(|(_, v)| *v).ok_or("no national ratio for 2023")?;
        let total_num: u64 = BASE_18_22.iter().map(|(r, _)| numerator(r)).sum();
        let wanted = (total_num as f64 * 100.0 / national).round() as u64;
        let named_pop: u64 = named.iter().map(|(r, _)| pop[r]).sum();
        let free: Vec<&'static str> = BASE_18_22.iter().map(|(r, _)| *r).filter(|r| !named.iter().any(|(n, _)| n == r)).collect();
        let rest = wanted.checked_sub(named_pop).ok_or("the named regions alone exceed the national population")?;
        for (r, p) in free.iter().zip(apportion(rest, &free.iter().map(|r| base(r) as f64).collect::<Vec<_>>())) {
            pop.insert(r, p);
        }
        let total_pop: u64 = pop.values().sum();
        if ratio(total_num, total_pop) != national {
            return Err(format!("national ratio {} instead of {national}", ratio(total_num, total_pop)));
        }
    }
    // Rows: ages 16 to 24 by gender; ages 18-22 add up to the chosen population.
    let mut files = RegionFiles::default();
    let mut by_reported: BTreeMap<&'static str, (u64, u64)> = BTreeMap::new();
    for (region, p) in &pop {
        let entry = by_reported.entry(reported_region(region, year)).or_default();
        entry.0 += p;
        entry.1 += tvet[region];
    }
    for (region, (p, t)) in by_reported {
        let ages = apportion(p, &[1.02, 1.01, 1.0, 0.99, 0.98]);
        for (age, n) in (16u8..=24).zip([p / 5 * 104 / 100, p / 5 * 103 / 100, ages[0], ages[1], ages[2], ages[3], ages[4], p / 5 * 97 / 100, p / 5 * 96 / 100]) {
            let men = apportion(n, &[0.51, 0.49]);
            files.population.push(PopulationRow { year, region, age, gender: "M", population: men[0] });
            files.population.push(PopulationRow { year, region, age, gender: "F", population: men[1] });
        }
        files.tvet.push((year, region, t));
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_2023_ratios_come_out_at_one_decimal() {
        let students: BTreeMap<&'static str, u64> = BASE_18_22.iter().map(|(r, n)| (*r, n * 4 / 10)).collect();
        let files = region_files(2023, &students, 1.0, true).unwrap();
        let pop = |r: &str| files.population.iter().filter(|p| p.region == r && (18..=22).contains(&p.age)).map(|p| p.population).sum::<u64>();
        let tvet = |r: &str| files.tvet.iter().find(|t| t.1 == r).map_or(0, |t| t.2);
        for (code, target) in published_ratios() {
            let (num, den) = if code == "KZ" {
                (BASE_18_22.iter().map(|(r, _)| students[r] + tvet(r)).sum(), BASE_18_22.iter().map(|(r, _)| pop(r)).sum())
            } else {
                (students[code.as_str()] + tvet(&code), pop(&code))
            };
            assert_eq!(ratio(num, den), target, "{code}");
        }
        // Before 2022 the three new regions are reported under their parents.
        let old = region_files(2021, &students, 1.0, true).unwrap();
        assert!(old.tvet.iter().all(|t| !matches!(t.1, "KZ-10" | "KZ-33" | "KZ-62")));
        assert_eq!(old.tvet.len(), 17);
    }
}
