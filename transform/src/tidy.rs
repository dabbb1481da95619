//! Building blocks of the plans: counts and sums by dimensions, `Total` rows, shares. Every
//! indicator table is tidy: its dimension columns (the vocabulary of `outputs.md`), then
//! `value`.

use polars::prelude::*;

/// Rows of `lf` counted by `dims` (`value`: Int64).
pub fn count_by(lf: LazyFrame, dims: &[&str]) -> LazyFrame {
    lf.group_by(dims.iter().map(|d| col(*d)).collect::<Vec<_>>()).agg([len().cast(DataType::Int64).alias("value")])
}

/// `column` summed by `dims` (`value`: Int64).
pub fn sum_by(lf: LazyFrame, dims: &[&str], column: &str) -> LazyFrame {
    lf.group_by(dims.iter().map(|d| col(*d)).collect::<Vec<_>>()).agg([col(column).sum().cast(DataType::Int64).alias("value")])
}

/// Adds `Total` rows: for every non-empty subset of `totals` (string dimensions), the values
/// summed over those dimensions, which read `Total`. Columns end up as `dims` then `value`.
pub fn with_totals(lf: LazyFrame, dims: &[&str], totals: &[&str]) -> PolarsResult<LazyFrame> {
    let ordered = |lf: LazyFrame| lf.select(dims.iter().map(|d| col(*d)).chain(std::iter::once(col("value"))).collect::<Vec<_>>());
    let mut parts = vec![ordered(lf.clone())];
    for mask in 1u32..(1 << totals.len()) {
        let summed: Vec<&str> = totals.iter().enumerate().filter(|(i, _)| mask & (1 << i) != 0).map(|(_, d)| *d).collect();
        let keep: Vec<Expr> = dims.iter().filter(|d| !summed.contains(d)).map(|d| col(*d)).collect();
        let mut part = if keep.is_empty() {
            lf.clone().select([col("value").sum()])
        } else {
            lf.clone().group_by(keep).agg([col("value").sum()])
        };
        for d in &summed {
            part = part.with_column(lit("Total").alias(*d));
        }
        parts.push(ordered(part));
    }
    concat(parts, UnionArgs::default())
}

/// The `value` of each row as a percentage of the sum over the rows that share `within`
/// (all rows when `within` is empty), unrounded (`value`: Float64).
pub fn percent_of(lf: LazyFrame, within: &[&str]) -> PolarsResult<LazyFrame> {
    let total = if within.is_empty() { col("value").sum() } else { col("value").sum().over(within.iter().map(|d| col(*d)).collect::<Vec<_>>())? };
    Ok(lf.with_column((col("value").cast(DataType::Float64) * lit(100.0) / total.cast(DataType::Float64)).alias("value")))
}

/// Sorted by the dimensions, so tables read in a stable order.
pub fn sorted(lf: LazyFrame, dims: &[&str]) -> LazyFrame {
    if dims.is_empty() {
        return lf;
    }
    lf.sort(dims.iter().map(|d| d.to_string()).collect::<Vec<_>>(), SortMultipleOptions::default().with_nulls_last(true))
}

/// Counts (measure `count`, unit `persons`) and their shares of the `Total` row of the same
/// `year` (measure `share`, unit `percent`), value Float64.
pub fn counts_and_shares(counts: LazyFrame, dims: &[&str], total_dim: &str, year: &str) -> PolarsResult<LazyFrame> {
    let counts = counts.with_column(col("value").cast(DataType::Float64));
    let totals = counts.clone().filter(col(total_dim).eq(lit("Total"))).select([col(year), col("value").alias("total")]);
    let shares = counts
        .clone()
        .filter(col(total_dim).neq(lit("Total")))
        .join(totals, [col(year)], [col(year)], JoinArgs::new(JoinType::Left))
        .with_columns([(col("value") * lit(100.0) / col("total")).alias("value"), lit("share").alias("measure"), lit("percent").alias("unit")]);
    let counts = counts.with_columns([lit("count").alias("measure"), lit("persons").alias("unit")]);
    let cols: Vec<Expr> = dims.iter().map(|d| col(*d)).chain([col("measure"), col("value"), col("unit")]).collect();
    let mut keys: Vec<&str> = dims.to_vec();
    keys.push("measure");
    Ok(sorted(concat([counts.select(cols.clone()), shares.select(cols)], UnionArgs::default())?, &keys))
}


/// A part and its share of the whole, by academic year: from a frame of `academic_year`,
/// `part` and `all`, rows with `measure` `name` (unit `persons`) and `share` (unit `percent`).
pub fn part_and_share(by_year: LazyFrame, name: &str) -> PolarsResult<LazyFrame> {
    let row = |measure: &str, value: Expr, unit: &str| by_year.clone().select([col("academic_year"), lit(measure).alias("measure"), value.alias("value"), lit(unit).alias("unit")]);
    let parts = [row(name, col("part"), "persons"), row("share", col("part") * lit(100.0) / col("all"), "percent")];
    Ok(sorted(concat(parts, UnionArgs::default())?, &["academic_year", "measure"]))
}
