//! hestat-reports owns the published outputs: table writers (Parquet with metadata, CSV,
//! XLSX), charts, the HTML report, `catalog.json` and disclosure control.
//!
//! Built so far: [`disclosure`] (the threshold rule with secondary suppression, and HESA's
//! rounding). The writers, charts, pages and catalog come with the rest of issue #11. It
//! reads the indicator catalogue of `hestat-transform`, never recomputes an indicator, and
//! knows nothing of spreadsheets.

pub mod disclosure;
