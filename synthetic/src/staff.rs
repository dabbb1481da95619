//! Academic and teaching staff on 1 October, one record per person.
//!
//! Exact for 2024-2025: 37,612 persons (the report: 37.6 thousand) whose shares by academic
//! degree and by academic title round to the published ones (Figures 3.3.1 and 3.3.2, two
//! decimals). Degree × title is fitted ([`fit_table`]) so that professors hold doctoral
//! degrees and most staff without a degree hold no title. Earlier years, the split over
//! institutions (by students), gender, age, position and rate are synthetic.

use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use crate::marginals::{apportion, fit_table, shuffled, split, Marginal};
use hestat_reference::{field, rows_where};

/// One staff member.
#[derive(Debug, Clone, PartialEq)]
pub struct StaffMember {
    pub hei: &'static str,
    pub gender: &'static str,
    pub birth_year: u16,
    pub degree: &'static str,
    pub title: &'static str,
    pub position: &'static str,
    pub rate: f64,
}

/// Staff of each academic year (2024: the report's 37.6 thousand).
pub fn staff_total(year: i32) -> u64 {
    match year {
        2024 => 37_612,
        2023 => 37_420,
        2022 => 37_180,
        _ => 36_950,
    }
}

fn share(indicator: &str, category: &str) -> f64 {
    rows_where("text_3_3_faculty", &[("indicator", indicator), ("category", category)])
        .first()
        .and_then(|r| field(r, "value").parse().ok())
        .unwrap_or(0.0)
}

/// Codes with their published shares (percent).
pub type Shares = Vec<(&'static str, f64)>;

/// Degrees and titles with their published shares (percent).
pub fn published_shares() -> (Shares, Shares) {
    let d = |c: &str| share("academic_teaching_staff_share_by_degree", c);
    let t = |c: &str| share("academic_teaching_staff_share_by_title", c);
    let degrees = vec![
        ("candidate", d("Candidate of Sciences")),
        ("doctor_of_sciences", d("Doctor of Sciences")),
        ("phd", d("PhD")),
        ("master", d("Master's")),
        ("specialist", d("Specialist")),
    ];
    let with_degree: f64 = degrees.iter().map(|(_, s)| s).sum();
    let mut degrees = degrees;
    // No degree: what the published shares leave (100 - 47.85 - 42.57 = 9.58).
    degrees.push(("none", 100.0 - with_degree));
    let titles = vec![
        ("none", t("No academic title")),
        ("associate_professor", t("Associate Professor (dotsent)")),
        ("professor", t("Professor")),
        ("docent", t("Docent")),
        ("associate_professor_new", t("Associate Professor (new qualification framework)")),
        ("professor_new", t("Professor (new qualification framework)")),
    ];
    (degrees, titles)
}

/// The staff of one academic year spread over institutions with `per_hei` weights.
pub fn staff(year: i32, heis: &[&'static str], weights: &[f64], rng: &mut ChaCha8Rng) -> Result<Vec<StaffMember>, String> {
    let total = staff_total(year);
    let (degree_shares, title_shares) = published_shares();
    let degrees: Marginal = split(total, &degree_shares);
    let titles: Marginal = split(total, &title_shares);
    // Which titles each degree plausibly holds.
    let seed: Vec<Vec<f64>> = degrees
        .iter()
        .map(|(d, _)| {
            titles
                .iter()
                .map(|(t, _)| match (*d, *t) {
                    (_, "none") => 1.0,
                    ("doctor_of_sciences", "professor" | "professor_new") => 3.0,
                    ("doctor_of_sciences" | "candidate", _) => 1.0,
                    ("phd", "associate_professor" | "associate_professor_new" | "professor_new") => 0.6,
                    ("phd", _) => 0.05,
                    ("master" | "specialist", "docent" | "associate_professor") => 0.02,
                    _ => 0.0,
                })
                .collect()
        })
        .collect();
    let table = fit_table(&degrees.iter().map(|(_, n)| *n).collect::<Vec<_>>(), &titles.iter().map(|(_, n)| *n).collect::<Vec<_>>(), &seed)
        .map_err(|e| format!("staff degree × title: {e}"))?;
    let mut pairs: Vec<(&'static str, &'static str)> = Vec::with_capacity(total as usize);
    for (i, (d, _)) in degrees.iter().enumerate() {
        for (j, (t, _)) in titles.iter().enumerate() {
            pairs.extend(std::iter::repeat_n((*d, *t), table[i][j] as usize));
        }
    }
    let hei_marginal: Marginal = heis.iter().copied().zip(apportion(total, weights)).collect();
    let hei_column = shuffled(&hei_marginal, rng);
    let genders = shuffled(&split(total, &[("F", 0.62), ("M", 0.38)]), rng);
    let mut members: Vec<StaffMember> = pairs
        .into_iter()
        .zip(hei_column)
        .zip(genders)
        .map(|(((degree, title), hei), gender)| {
            let senior = title != "none" || matches!(degree, "doctor_of_sciences" | "candidate");
            let age: i32 = if senior { rng.random_range(38..72) } else { rng.random_range(24..60) };
            let position = match (title, degree) {
                ("professor" | "professor_new", _) => "professor",
                ("associate_professor" | "associate_professor_new" | "docent", _) => "associate professor",
                (_, "doctor_of_sciences" | "candidate" | "phd") => "senior lecturer",
                _ if age < 30 => "assistant",
                _ => "lecturer",
            };
            let rate = match rng.random_range(0..20) {
                0 => 0.25,
                1..=2 => 0.5,
                3 => 0.75,
                _ => 1.0,
            };
            StaffMember { hei, gender, birth_year: (year - age) as u16, degree, title, position, rate }
        })
        .collect();
    members.sort_by_key(|m| heis.iter().position(|h| *h == m.hei).unwrap_or(usize::MAX));
    Ok(members)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn shares_round_to_the_published_two_decimals() {
        let heis = ["HEI001", "HEI002"];
        let s = staff(2024, &heis, &[2.0, 1.0], &mut ChaCha8Rng::seed_from_u64(3)).unwrap();
        assert_eq!(s.len(), 37_612);
        let (degrees, titles) = published_shares();
        let pct = |n: usize| (n as f64 * 10_000.0 / s.len() as f64).round() / 100.0;
        for (d, published) in degrees {
            let produced = pct(s.iter().filter(|m| m.degree == d).count());
            assert!((produced - published).abs() < 0.005, "{d}: {produced} vs {published}");
        }
        for (t, published) in titles {
            let produced = pct(s.iter().filter(|m| m.title == t).count());
            assert!((produced - published).abs() < 0.005, "{t}: {produced} vs {published}");
        }
        assert!(s.iter().filter(|m| m.title == "professor").all(|m| m.degree != "master"));
    }
}
