//! The network of higher education institutions (section 3.1): institutions in the registry
//! by legal form.

use hestat_contract::{Family, Unit};
use hestat_reference::crosswalks::{exact as label_code, LEGAL_FORM};
use hestat_reference::{field, PublishedRow};

use crate::catalogue::{titles, Basis, Indicator};
use crate::placement::{exact, Placed, Placement, PlacementContext};
use crate::tidy::{count_by, sorted, with_totals};

/// The 2024 counts of section 3.1 (the registry holds the institutions of 2024; the shares and
/// 2023's count are no cell of it).
fn network_in_text(_: &str, row: &PublishedRow, _: &PlacementContext) -> Option<Placed> {
    if field(row, "measure") != "count" || field(row, "year") != "2024" {
        return None;
    }
    exact(&[("legal_form", label_code(LEGAL_FORM, field(row, "legal_form")).unwrap_or("Total"))])
}

pub fn indicators() -> Vec<Indicator> {
    vec![
        Indicator {
            id: "hei_by_legal_form",
            title: titles("Higher education institutions by legal form", "Вузы по организационно-правовой форме", "Ұйымдық-құқықтық нысаны бойынша ЖОО"),
            definition: "Institutions in the registry by legal form, with the total.".to_string(),
            basis: Basis::Report,
            dimensions: &["legal_form"],
            unit: Unit::Institutions,
            sources: &[Family::Hei],
            year_totals: false,
            sensitive: false,
            reproduces: Some("Figure 3.1.2"),
            published: vec![Placement { file: "text_3_1_hei_network", place: network_in_text }],
            plan: Box::new(|f| Ok(sorted(with_totals(count_by(f.hei()?, &["legal_form"]), &["legal_form"], &["legal_form"])?, &["legal_form"]))),
        },
    ]
}
