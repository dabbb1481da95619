//! hestat-reports owns the published outputs: table writers (Parquet with metadata, CSV,
//! XLSX), charts, the HTML report, `catalog.json` and disclosure control.
//!
//! Not built yet: reserved by the workspace layout for a later issue. It knows nothing of
//! spreadsheets or of how indicators are computed.
