//! Typed column builders for staging, and the staging schema of each family.
//!
//! A sheet's loaded rows go into a [`StagingBatch`]: one typed builder per staging column
//! (the family's columns in contract order, derived columns, then the `source_*` columns
//! that trace every record to its file, sheet and row). Batches of one family are
//! concatenated and written as Parquet, partitioned by year.

use polars::prelude::*;

use crate::families::{ColumnKind, Family};
use crate::values::Value;
pub use hestat_contract::schema::{derived_columns, staging_schema, StagedType, SOURCE_COLUMNS};

/// A growable text column kept in one buffer (no allocation per value).
#[derive(Debug, Clone, Default)]
pub struct TextColumn {
    bytes: String,
    /// End offset of each value in `bytes` (a null takes an empty span).
    ends: Vec<usize>,
    valid: Vec<bool>,
}

impl TextColumn {
    fn push(&mut self, value: Option<&str>) {
        self.bytes.push_str(value.unwrap_or(""));
        self.ends.push(self.bytes.len());
        self.valid.push(value.is_some());
    }

    fn get(&self, row: usize) -> Option<&str> {
        if !*self.valid.get(row)? {
            return None;
        }
        let start = if row == 0 { 0 } else { self.ends[row - 1] };
        self.bytes.get(start..self.ends[row])
    }

    fn iter(&self) -> impl Iterator<Item = Option<&str>> {
        (0..self.ends.len()).map(|row| self.get(row))
    }

    fn len(&self) -> usize {
        self.ends.len()
    }

    fn append(&mut self, other: TextColumn) {
        let offset = self.bytes.len();
        self.bytes.push_str(&other.bytes);
        self.ends.extend(other.ends.iter().map(|e| e + offset));
        self.valid.extend(other.valid);
    }
}

/// One typed, growable column.
#[derive(Debug, Clone)]
pub enum ColumnBuilder {
    Str(TextColumn),
    Code(Vec<Option<&'static str>>),
    Int32(Vec<Option<i32>>),
    Int64(Vec<Option<i64>>),
    Float64(Vec<Option<f64>>),
    Boolean(Vec<Option<bool>>),
    Date(Vec<Option<i32>>),
}

impl ColumnBuilder {
    fn new(staged: StagedType, kind: Option<ColumnKind>) -> Self {
        match staged {
            StagedType::Str => match kind {
                Some(ColumnKind::List(_) | ColumnKind::Country | ColumnKind::Region | ColumnKind::FieldCode) | None => {
                    ColumnBuilder::Code(Vec::new())
                }
                _ => ColumnBuilder::Str(TextColumn::default()),
            },
            StagedType::Int32 => ColumnBuilder::Int32(Vec::new()),
            StagedType::Int64 => ColumnBuilder::Int64(Vec::new()),
            StagedType::Float64 => ColumnBuilder::Float64(Vec::new()),
            StagedType::Boolean => ColumnBuilder::Boolean(Vec::new()),
            StagedType::Date => ColumnBuilder::Date(Vec::new()),
        }
    }

    /// Appends a value; a value of another shape than the column's is stored as null
    /// (the parsers only produce the column's own shape).
    pub fn push(&mut self, value: Value<'_>) {
        match self {
            ColumnBuilder::Str(v) => v.push(match &value {
                Value::Text(s) => Some(s),
                Value::Code(s) => Some(s),
                _ => None,
            }),
            ColumnBuilder::Code(v) => v.push(match value {
                Value::Code(s) => Some(s),
                _ => None,
            }),
            ColumnBuilder::Int32(v) => v.push(value.as_int().and_then(|i| i32::try_from(i).ok())),
            ColumnBuilder::Int64(v) => v.push(value.as_int()),
            ColumnBuilder::Float64(v) => v.push(match value {
                Value::Float(f) => Some(f),
                Value::Int(i) => Some(i as f64),
                _ => None,
            }),
            ColumnBuilder::Boolean(v) => v.push(match value {
                Value::Bool(b) => Some(b),
                _ => None,
            }),
            ColumnBuilder::Date(v) => v.push(match value {
                Value::Date(d) => Some(d),
                _ => None,
            }),
        }
    }

    pub fn len(&self) -> usize {
        match self {
            ColumnBuilder::Str(v) => v.len(),
            ColumnBuilder::Code(v) => v.len(),
            ColumnBuilder::Int32(v) | ColumnBuilder::Date(v) => v.len(),
            ColumnBuilder::Int64(v) => v.len(),
            ColumnBuilder::Float64(v) => v.len(),
            ColumnBuilder::Boolean(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The value at `row` as text (for keys such as `hei_code` and `student_id`).
    pub fn str_at(&self, row: usize) -> Option<&str> {
        match self {
            ColumnBuilder::Str(v) => v.get(row),
            ColumnBuilder::Code(v) => *v.get(row)?,
            _ => None,
        }
    }

    /// The value at `row` as an integer (for years).
    pub fn int_at(&self, row: usize) -> Option<i64> {
        match self {
            ColumnBuilder::Int32(v) | ColumnBuilder::Date(v) => v.get(row)?.map(i64::from),
            ColumnBuilder::Int64(v) => *v.get(row)?,
            _ => None,
        }
    }

    fn retain(&mut self, keep: &[bool]) {
        fn filter<T>(v: &mut Vec<T>, keep: &[bool]) {
            let mut i = 0;
            v.retain(|_| {
                let k = keep.get(i).copied().unwrap_or(true);
                i += 1;
                k
            });
        }
        match self {
            ColumnBuilder::Str(v) => {
                let mut kept = TextColumn::default();
                for (value, k) in v.iter().zip(keep) {
                    if *k {
                        kept.push(value);
                    }
                }
                *v = kept;
            }
            ColumnBuilder::Code(v) => filter(v, keep),
            ColumnBuilder::Int32(v) | ColumnBuilder::Date(v) => filter(v, keep),
            ColumnBuilder::Int64(v) => filter(v, keep),
            ColumnBuilder::Float64(v) => filter(v, keep),
            ColumnBuilder::Boolean(v) => filter(v, keep),
        }
    }

    fn append(&mut self, other: ColumnBuilder) {
        match (self, other) {
            (ColumnBuilder::Str(a), ColumnBuilder::Str(b)) => a.append(b),
            (ColumnBuilder::Code(a), ColumnBuilder::Code(b)) => a.extend(b),
            (ColumnBuilder::Int32(a), ColumnBuilder::Int32(b)) => a.extend(b),
            (ColumnBuilder::Date(a), ColumnBuilder::Date(b)) => a.extend(b),
            (ColumnBuilder::Int64(a), ColumnBuilder::Int64(b)) => a.extend(b),
            (ColumnBuilder::Float64(a), ColumnBuilder::Float64(b)) => a.extend(b),
            (ColumnBuilder::Boolean(a), ColumnBuilder::Boolean(b)) => a.extend(b),
            // Batches of one family share a schema; mismatched shapes cannot occur.
            _ => {}
        }
    }

    fn into_column(self, name: &str) -> Column {
        let name = PlSmallStr::from(name);
        match self {
            ColumnBuilder::Str(v) => {
                let text: StringChunked = v.iter().collect();
                text.with_name(name).into_column()
            }
            ColumnBuilder::Code(v) => Column::new(name, v),
            ColumnBuilder::Int32(v) => Column::new(name, v),
            ColumnBuilder::Int64(v) => Column::new(name, v),
            ColumnBuilder::Float64(v) => Column::new(name, v),
            ColumnBuilder::Boolean(v) => Column::new(name, v),
            ColumnBuilder::Date(v) => {
                let days: Int32Chunked = v.into_iter().collect();
                days.into_date().into_series().with_name(name).into_column()
            }
        }
    }
}

/// The loaded rows of one sheet (or of a whole family, once batches are concatenated).
#[derive(Debug, Clone)]
pub struct StagingBatch {
    pub family: Family,
    pub names: Vec<&'static str>,
    pub columns: Vec<ColumnBuilder>,
}

impl StagingBatch {
    pub fn new(family: Family) -> Self {
        let spec = family.spec();
        let mut names = Vec::new();
        let mut columns = Vec::new();
        for c in &spec.columns {
            names.push(c.key);
            columns.push(ColumnBuilder::new(StagedType::of(c.kind), Some(c.kind)));
        }
        for (name, staged, _) in derived_columns(family) {
            names.push(name);
            columns.push(ColumnBuilder::new(*staged, None));
        }
        for (name, staged, _) in SOURCE_COLUMNS {
            names.push(name);
            columns.push(ColumnBuilder::new(staged, Some(ColumnKind::Text)));
        }
        StagingBatch { family, names, columns }
    }

    pub fn len(&self) -> usize {
        self.columns.first().map_or(0, ColumnBuilder::len)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn column(&self, name: &str) -> Option<&ColumnBuilder> {
        self.names.iter().position(|n| *n == name).map(|i| &self.columns[i])
    }

    /// Appends one row: `values` holds the family's columns then the derived ones; it is
    /// left empty.
    pub fn push_row(&mut self, values: &mut Vec<Value<'_>>, file: &str, sheet: &str, row_1based: u32) {
        let n = values.len();
        for (builder, value) in self.columns.iter_mut().zip(values.drain(..)) {
            builder.push(value);
        }
        let trace = [Value::Text(file.into()), Value::Text(sheet.into()), Value::Int(i64::from(row_1based))];
        for (builder, value) in self.columns[n..].iter_mut().zip(trace) {
            builder.push(value);
        }
    }

    /// Keeps the rows whose `keep` flag is true.
    pub fn retain(&mut self, keep: &[bool]) {
        for c in &mut self.columns {
            c.retain(keep);
        }
    }

    pub fn append(&mut self, other: StagingBatch) {
        for (a, b) in self.columns.iter_mut().zip(other.columns) {
            a.append(b);
        }
    }

    pub fn into_dataframe(self) -> PolarsResult<DataFrame> {
        let columns: Vec<Column> =
            self.names.iter().zip(self.columns).map(|(name, builder)| builder.into_column(name)).collect();
        DataFrame::new_infer_height(columns)
    }
}
