//! hestat-contract owns the input contract and the staging layout, the ground every other
//! crate stands on: the seven families and their columns (with the official EN/RU/KK header
//! labels of `data/headers.csv`), the code lists of `data/codelists/` (values, countries with
//! the report's world regions, regions of Kazakhstan, fields of education), the typed
//! staging schema of every family, the vocabulary of the published tables, and the staging layout (`<family>/<key>=<Y>/part-0.parquet`)
//! that ingestion writes and the indicators read, through one implementation. It also holds
//! the texts of every validation rule in the three languages (`data/rules.csv`, [`rules`]),
//! which the national validation report, `hestat validate` and its feedback workbook share,
//! and the one [`Lang`] of those texts and of the report.
//!
//! It knows nothing of spreadsheets, indicators or rendering, and depends on no data engine.

pub mod codes;
pub mod families;
pub mod lang;
pub mod layout;
pub mod rules;
pub mod schema;
pub mod units;
pub mod vocabulary;

pub use lang::Lang;

pub use families::Family;
pub use units::Unit;
