//! hestat-transform owns the indicator catalogue (id, titles, definition, dimensions, unit,
//! source families and the polars lazy plan of each indicator), the consistency rules and the
//! comparison with the published reference tables.
//!
//! Not built yet: this crate is reserved by the workspace layout and is filled by the
//! transform issue (#4). It reads staging Parquet written by `hestat-ingest` and knows nothing
//! of spreadsheets or rendering.
