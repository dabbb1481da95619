//! Academic exchanges of Kazakhstani faculty abroad (outgoing staff mobility), section 6.1.
//!
//! Exact for 2023 and 2024: the total (769 and 614), by university type (Table 6.1.17), by
//! teaching format (6.1.18), by field of education (6.1.22), by host country (6.1.19, with the
//! choices below) and by programme or funding source (6.1.23, 2024, in the input contract's
//! funding codes), and the 73 sending universities of 2024. Table 6.1.19's columns do not add
//! up to its totals (inconsistency A12): 2024's 20 missing persons are Greece 10 and Italy 11
//! (printed 0 and 1; the printed shares 1.3% and 1.4% imply these counts, which close the
//! column exactly, A13); 2023's 9 missing persons go to Uzbekistan (69 printed; the text says
//! 116, A11). Degrees (Table 6.1.21) are not a column of the mobility family. 2021 and 2022 are
//! synthetic (2023's shapes).

use hestat_contract::codes::code_lists;
use rand_chacha::ChaCha8Rng;

use crate::marginals::{apportion, records, split, total as marginal_total, Marginal};
use crate::mobility::MobilityRow;
use hestat_reference::crosswalks::{by_prefix, Crosswalk, FACULTY_PROGRAMME};
use hestat_reference::{count, field, published};
use crate::registry::Hei;
use crate::students::size_weight;

fn counts(table: &str, year: i32, key: &str) -> Vec<(String, u64)> {
    published(table)
        .into_iter()
        .filter(|r| field(r, "year") == year.to_string() && field(r, "measure") != "share" && field(r, key) != "Total")
        .map(|r| (field(&r, key).to_string(), count(&r)))
        .collect()
}

fn coded(rows: &[(String, u64)], codes: &Crosswalk) -> Result<Marginal, String> {
    let mut marginal: Marginal = Vec::new();
    for (label, n) in rows {
        let code = by_prefix(codes, label).ok_or_else(|| format!("no code for `{label}`"))?;
        match marginal.iter_mut().find(|(c, _)| *c == code) {
            Some(entry) => entry.1 += n,
            None => marginal.push((code, *n)),
        }
    }
    Ok(marginal)
}


/// Table 6.1.17's university types in the contract's legal forms.
const TYPE_CODES: [(&str, &str); 5] = [("National", "national"), ("State", "state"), ("Joint-stock", "jsc"), ("Private", "private"), ("International", "international")];

/// Host countries of one year, with the decisions for the columns that do not add up.
fn countries(year: i32, decisions: &mut Vec<String>) -> Result<Marginal, String> {
    let mut marginal: Marginal = Vec::new();
    for row in published("table_6_1_19").into_iter().filter(|r| field(r, "year") == year.to_string() && field(r, "measure") == "count" && field(r, "country") != "Total") {
        let code = code_lists().country(field(&row, "iso3")).map(|c| c.iso3).ok_or_else(|| format!("Table 6.1.19: {}", field(&row, "country")))?;
        if count(&row) > 0 {
            marginal.push((code, count(&row)));
        }
    }
    let fixes: &[(&'static str, u64)] = match year {
        2024 => &[("GRC", 10), ("ITA", 11)],
        2023 => &[("UZB", 78)],
        _ => &[],
    };
    for (code, n) in fixes {
        match marginal.iter_mut().find(|(c, _)| c == code) {
            Some(entry) => entry.1 = *n,
            None => marginal.push((code, *n)),
        }
    }
    if !fixes.is_empty() {
        decisions.push(format!(
            "faculty mobility {year}: Table 6.1.19's country rows do not add up to its total (A12); {} (the other cells as printed)",
            fixes.iter().map(|(c, n)| format!("{c} = {n}")).collect::<Vec<_>>().join(", ")
        ));
    }
    Ok(marginal)
}

/// The outgoing staff mobility of one year, spread over sending universities.
pub fn staff_mobility_rows(year: i32, heis: &[&'static Hei], rng: &mut ChaCha8Rng, decisions: &mut Vec<String>) -> Result<Vec<MobilityRow>, String> {
    let shape_year = year.max(2023);
    let mut by_type = coded(&counts("table_6_1_17", shape_year, "university_type"), &TYPE_CODES)?;
    let mut by_mode: Marginal = coded(&counts("table_6_1_18", shape_year, "teaching_format"), &[("Offline", "offline"), ("Online", "online"), ("Blended", "blended")])?;
    let fields: Vec<(String, u64)> = counts("table_6_1_22", shape_year, "field_code");
    let mut by_field: Marginal = fields
        .iter()
        .filter_map(|(f, n)| crate::students::FIELDS.iter().find(|x| *x == f).map(|x| (*x, *n)))
        .collect();
    let mut by_country = countries(shape_year, decisions)?;
    let total = marginal_total(&by_type);
    // Funding: Table 6.1.23 (2024); 2023 and earlier follow 2024's shares (synthetic).
    let programmes = published("table_6_1_23")
        .into_iter()
        .filter(|r| field(r, "year") == "2024" && field(r, "program") != "Total")
        .map(|r| (field(&r, "program").to_string(), count(&r)))
        .collect::<Vec<_>>();
    let funding_2024 = coded(&programmes, FACULTY_PROGRAMME)?;
    let mut by_funding = if year == 2024 { funding_2024 } else { split(total, &funding_2024.iter().map(|(c, n)| (*c, *n as f64)).collect::<Vec<_>>()) };
    let mut total = total;
    if year < 2023 {
        // Synthetic earlier years: 2023's shapes, smaller.
        let scaled = if year == 2022 { 575 } else { 520 };
        let rescale = |m: &Marginal| split(scaled, &m.iter().map(|(c, n)| (*c, *n as f64)).collect::<Vec<_>>());
        by_type = rescale(&by_type);
        by_mode = rescale(&by_mode);
        by_field = rescale(&by_field);
        by_country = rescale(&by_country);
        by_funding = rescale(&by_funding);
        total = scaled;
        decisions.push(format!("faculty mobility {year}: not published; {scaled} persons with 2023's shares (synthetic)"));
    }
    // Sending universities: 73 in 2024 (text), 68 otherwise (synthetic), by legal form in
    // proportion to the persons, at least one per form that sends anyone; the largest first.
    let senders = if year == 2024 { 73 } else { 68 };
    let available: Vec<u64> = by_type.iter().map(|(form, persons)| (heis.iter().filter(|h| h.legal_form == *form).count() as u64).min(*persons)).collect();
    let mut per_form: Vec<u64> = apportion(senders, &by_type.iter().map(|(_, n)| (*n as f64).sqrt()).collect::<Vec<_>>())
        .into_iter()
        .zip(&available)
        .map(|(k, a)| k.min(*a))
        .collect();
    // Forms with fewer universities than their share hand the rest to the others.
    while per_form.iter().sum::<u64>() < senders {
        let Some(i) = (0..per_form.len()).filter(|&i| per_form[i] < available[i]).max_by_key(|&i| by_type[i].1) else { break };
        per_form[i] += 1;
    }
    let mut by_hei: Marginal = Vec::new();
    for ((form, persons), k) in by_type.iter().zip(per_form) {
        let mut here: Vec<&'static Hei> = heis.iter().copied().filter(|h| h.legal_form == *form).collect();
        here.sort_by(|a, b| size_weight(b).total_cmp(&size_weight(a)).then(a.code.cmp(&b.code)));
        here.truncate((k as usize).max(1));
        if here.is_empty() && *persons > 0 {
            return Err(format!("no {form} university to send {persons} staff"));
        }
        // One person each, the rest falling off with rank.
        let weights: Vec<f64> = (0..here.len()).map(|i| 1.0 / (i as f64 + 2.0)).collect();
        let rest = apportion(persons.saturating_sub(here.len() as u64), &weights);
        by_hei.extend(here.iter().map(|h| h.code.as_str()).zip(rest.into_iter().map(|n| n + 1)));
    }
    let columns = [by_hei, by_country, by_field, by_mode, by_funding];
    let mut grouped: std::collections::BTreeMap<[&'static str; 5], u64> = std::collections::BTreeMap::new();
    for record in records(total, &columns, rng)? {
        *grouped.entry([record[0], record[1], record[2], record[3], record[4]]).or_default() += 1;
    }
    Ok(grouped
        .into_iter()
        .map(|([hei, country, field, mode, funding], count)| MobilityRow {
            hei,
            year,
            direction: "outgoing",
            participant: "staff",
            country,
            level: "none",
            field,
            funding,
            mode,
            mobility_type: "internship",
            count,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn the_published_totals_hold_on_every_dimension() {
        let heis = crate::students::enrolling();
        for (year, total) in [(2023, 614), (2024, 769)] {
            let mut decisions = Vec::new();
            let rows = staff_mobility_rows(year, &heis, &mut ChaCha8Rng::seed_from_u64(9), &mut decisions).unwrap();
            assert_eq!(rows.iter().map(|r| r.count).sum::<u64>(), total);
            let sum = |f: &dyn Fn(&MobilityRow) -> bool| rows.iter().filter(|r| f(r)).map(|r| r.count).sum::<u64>();
            assert_eq!(sum(&|r| r.country == "GRC"), if year == 2024 { 10 } else { 0 });
            assert_eq!(sum(&|r| r.mode == "online"), if year == 2024 { 116 } else { 186 });
            assert_eq!(sum(&|r| r.field == "09"), if year == 2024 { 13 } else { 1 });
            let national: Vec<&str> = heis.iter().filter(|h| h.legal_form == "national").map(|h| h.code.as_str()).collect();
            assert_eq!(sum(&|r| national.contains(&r.hei)), if year == 2024 { 124 } else { 43 });
            if year == 2024 {
                assert_eq!(sum(&|r| r.funding == "mutual_exchange"), 269);
                let senders: std::collections::BTreeSet<&str> = rows.iter().map(|r| r.hei).collect();
                assert_eq!(senders.len(), 73);
            }
        }
    }
}
