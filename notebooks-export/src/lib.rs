//! hestat-notebooks-export owns the Jupyter notebooks for researchers: from a publication's
//! `catalog.json`, one notebook (nbformat 4.5, every cell with an id, no stored outputs) per
//! section of the report that the tables cover, and an index notebook. Each loads the
//! published Parquet files with polars by a path relative to the notebook (so the notebooks
//! run next to a downloaded output folder), shows each table, redraws each figure of the
//! catalog with matplotlib, and has a markdown cell per indicator with its title, definition,
//! unit, footnotes and disclosure note.
//!
//! It knows only the catalog and the table files: no indicator, chart or spreadsheet code.

use std::path::{Component, Path, PathBuf};

use serde_json::{json, Value};

/// What can go wrong.
#[derive(Debug, thiserror::Error)]
pub enum NotebookError {
    #[error("cannot read the catalog {path} ({reason}): run `hestat publish` (or `hestat run`) first")]
    Catalog { path: PathBuf, reason: String },
    #[error("cannot write {path}")]
    Write { path: PathBuf, source: std::io::Error },
}

/// The Python the notebooks share: imports, the output folder, and the two helpers.
const SETUP: &str = r#"from pathlib import Path
import json

import matplotlib.pyplot as plt
import polars as pl

# The output folder, relative to this notebook (run it next to the downloaded folder).
OUT = Path("{out}")
CATALOG = json.loads((OUT / "catalog.json").read_text(encoding="utf-8"))


def table(id):
    """A published table (disclosure-controlled: suppressed cells are null, flag `c`)."""
    return pl.read_parquet(OUT / "tables" / f"{id}.parquet")


def figure(id, lang="en"):
    """Redraws a figure of the catalog with matplotlib; returns the data it drew."""
    spec = next(f for f in CATALOG["figures"] if f["id"] == id)
    t = table(spec["table"])
    for dimension, code in spec["keep"].items():
        if code == "latest":
            code = t[dimension].drop_nulls().max()
            t = t.filter(pl.col(dimension) == code)
        else:
            t = t.filter(pl.col(dimension).cast(pl.Utf8) == code)
    category, series = spec["category"], spec["series"]
    t = t.filter(pl.col(category).is_not_null() & (pl.col(category).cast(pl.Utf8) != "Total") & pl.col("value").is_not_null())
    if series:
        t = t.filter(pl.col(series).cast(pl.Utf8) != "Total")
    # Codes shown as the catalog labels them, in the chosen language.
    dataset = next(d for d in CATALOG["datasets"] if d["id"] == spec["table"])
    def labels(dimension):
        codes = next((d["codes"] for d in dataset["dimensions"] if d["name"] == dimension), [])
        return {c["code"]: c[f"label_{lang}"] for c in codes}
    t = t.with_columns(pl.col(category).cast(pl.Utf8).replace(labels(category)))
    if series:
        t = t.with_columns(pl.col(series).cast(pl.Utf8).replace(labels(series)))
    fig, ax = plt.subplots(figsize=(8, 5))
    if spec["kind"] == "horizontal":
        data = t.group_by(category).agg(pl.col("value").sum()).sort("value", descending=True)
        if spec["top"]:
            data = data.head(spec["top"])
        ax.barh(data[category].to_list()[::-1], data["value"].to_list()[::-1])
    elif series:
        data = t.pivot(on=series, index=category, values="value", aggregate_function="sum").sort(category).fill_null(0)
        names = [c for c in data.columns if c != category]
        x = list(range(data.height))
        bottom = [0.0] * data.height
        width = 0.8 / (1 if spec["kind"] == "stacked" else len(names))
        for i, name in enumerate(names):
            values = data[name].to_list()
            if spec["kind"] == "stacked":
                ax.bar(x, values, 0.6, bottom=bottom, label=name)
                bottom = [b + v for b, v in zip(bottom, values)]
            else:
                ax.bar([p - 0.4 + width * (i + 0.5) for p in x], values, width, label=name)
        ax.set_xticks(x, data[category].to_list())
        ax.legend()
    else:
        data = t.group_by(category).agg(pl.col("value").sum()).sort(category)
        ax.bar(data[category].to_list(), data["value"].to_list())
    ax.set_title(spec["title"][lang])
    fig.tight_layout()
    plt.show()
    return data
"#;

/// A notebook's cells, with ids.
struct Cells(Vec<Value>);

impl Cells {
    fn id(&self) -> String {
        format!("cell-{:03}", self.0.len() + 1)
    }

    fn markdown(&mut self, text: &str) {
        let id = self.id();
        self.0.push(json!({"cell_type": "markdown", "id": id, "metadata": {}, "source": lines(text)}));
    }

    fn code(&mut self, text: &str) {
        let id = self.id();
        self.0.push(json!({"cell_type": "code", "id": id, "metadata": {}, "execution_count": null, "outputs": [], "source": lines(text)}));
    }

    fn notebook(self) -> Value {
        json!({
            "nbformat": 4,
            "nbformat_minor": 5,
            "metadata": {
                "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                "language_info": {"name": "python"}
            },
            "cells": self.0
        })
    }
}

/// A cell's source as nbformat keeps it: lines, each but the last with its newline.
fn lines(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = text.split_inclusive('\n').map(str::to_string).collect();
    if let Some(last) = lines.last_mut() {
        if last.ends_with('\n') {
            last.pop();
        }
    }
    lines
}

/// `to`, relative to the folder `from` (both absolute, or both relative to one folder).
fn relative(from: &Path, to: &Path) -> PathBuf {
    let from: Vec<Component> = from.components().collect();
    let to: Vec<Component> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut path = PathBuf::new();
    for _ in common..from.len() {
        path.push("..");
    }
    for part in &to[common..] {
        path.push(part.as_os_str());
    }
    if path.as_os_str().is_empty() {
        path.push(".");
    }
    path
}

fn text(value: &Value) -> &str {
    value.as_str().unwrap_or("")
}

/// A dataset's markdown: titles, definition, unit, footnotes, disclosure.
fn dataset_markdown(dataset: &Value) -> String {
    let mut md = format!("### {}\n\n*{}* · *{}*\n\n`{}`", text(&dataset["title"]["en"]), text(&dataset["title"]["ru"]), text(&dataset["title"]["kk"]), text(&dataset["id"]));
    if let Some(reproduces) = dataset["reproduces"].as_str() {
        md.push_str(&format!(" · {reproduces}"));
    }
    md.push_str(&format!("\n\n**Definition.** {}\n\n**Unit.** {}\n\n", text(&dataset["description"]), text(&dataset["unit"])));
    let disclosure = &dataset["disclosure"];
    md.push_str(&format!("**Disclosure.** {}: {}", text(&disclosure["treatment"]), text(&disclosure["reason"])));
    if let Some(rule) = disclosure["rule"].as_str() {
        md.push_str(&format!(" ({rule}; {} cells suppressed, {} rounded)", disclosure["suppressed_cells"], disclosure["rounded_cells"]));
    }
    md.push('.');
    let notes: Vec<&str> = dataset["footnotes"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    if !notes.is_empty() {
        md.push_str("\n\n**Notes.**\n");
        for note in notes {
            md.push_str(&format!("\n- {note}"));
        }
    }
    md
}

/// The file name of a section's notebook (`chapter_6_1.ipynb`; `base_tables.ipynb`).
pub fn notebook_name(section: &str) -> String {
    if section == "A" {
        "base_tables.ipynb".to_string()
    } else {
        format!("chapter_{}.ipynb", section.replace('.', "_"))
    }
}

/// Writes the notebooks into `dest` from the publication in `publication`; returns their paths
/// (the index first).
pub fn write_notebooks(publication: &Path, dest: &Path) -> Result<Vec<PathBuf>, NotebookError> {
    let path = publication.join("catalog.json");
    let catalog: Value = std::fs::read_to_string(&path)
        .map_err(|e| e.to_string())
        .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))
        .map_err(|reason| NotebookError::Catalog { path: path.clone(), reason })?;
    std::fs::create_dir_all(dest).map_err(|source| NotebookError::Write { path: dest.to_path_buf(), source })?;
    let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let out = relative(&absolute(dest), &absolute(publication));
    let setup = SETUP.replace("{out}", &out.to_string_lossy().replace('\\', "/"));
    let synthetic = catalog["run"]["dataset"] == "SYNTHETIC";
    let banner = if synthetic { "\n\n> **SYNTHETIC DATA.** The embedded default dataset is generated so that its totals equal the published report; it describes no real student." } else { "" };
    let datasets: Vec<&Value> = catalog["datasets"].as_array().map(|d| d.iter().collect()).unwrap_or_default();
    let figures: Vec<&Value> = catalog["figures"].as_array().map(|f| f.iter().collect()).unwrap_or_default();
    let mut written = Vec::new();
    let mut index = Cells(Vec::new());
    index.markdown(&format!(
        "# National Report on the State and Development of the Higher Education System: notebooks\n\nOne notebook per section of the report, each loading the published tables (`{}/tables/*.parquet`) with polars and redrawing its figures with matplotlib. hestat {}, inputs `{}`.{banner}",
        out.display(),
        text(&catalog["run"]["hestat_version"]),
        text(&catalog["run"]["input_fingerprint"]).get(..16).unwrap_or("")
    ));
    index.code(&setup);
    let mut chapters = Vec::new();
    for section in catalog["sections"].as_array().into_iter().flatten() {
        let number = text(&section["number"]);
        let members: Vec<&&Value> = datasets.iter().filter(|d| d["section"] == number).collect();
        if members.is_empty() {
            continue;
        }
        let name = notebook_name(number);
        chapters.push(format!("- [{number} {}]({name}): {} tables", text(&section["title"]["en"]), members.len()));
        let mut cells = Cells(Vec::new());
        cells.markdown(&format!("# {number} {}\n\n*{}* · *{}*{banner}", text(&section["title"]["en"]), text(&section["title"]["ru"]), text(&section["title"]["kk"])));
        cells.code(&setup);
        for dataset in members {
            let id = text(&dataset["id"]);
            cells.markdown(&dataset_markdown(dataset));
            cells.code(&format!("t = table(\"{id}\")\nprint(\"{id}:\", t.height, \"rows; value total\", t[\"value\"].sum())\nt"));
            for figure in figures.iter().filter(|f| f["table"] == id) {
                cells.markdown(&format!("#### Figure: {}", text(&figure["title"]["en"])));
                cells.code(&format!("figure(\"{}\")", text(&figure["id"])));
            }
        }
        let file = dest.join(&name);
        write(&file, &cells.notebook())?;
        written.push(file);
    }
    index.markdown(&format!("## Sections\n\n{}", chapters.join("\n")));
    if datasets.iter().any(|d| d["id"] == "table_6_1_1") {
        index.markdown("## A figure of the report, looked up\n\nStudents who went abroad in 2024 (Table 6.1.1):");
        index.code("t = table(\"table_6_1_1\")\noutgoing_2024 = t.filter((pl.col(\"year\") == 2024) & (pl.col(\"direction\") == \"outgoing\"))[\"value\"].item()\nprint(\"outgoing students, 2024:\", outgoing_2024)");
    }
    let file = dest.join("index.ipynb");
    write(&file, &index.notebook())?;
    written.insert(0, file);
    Ok(written)
}

fn write(path: &Path, notebook: &Value) -> Result<(), NotebookError> {
    let text = serde_json::to_string_pretty(notebook).unwrap_or_default() + "\n";
    std::fs::write(path, text).map_err(|source| NotebookError::Write { path: path.to_path_buf(), source })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_relative_to_the_notebook_folder() {
        assert_eq!(relative(Path::new("/a/out/notebooks"), Path::new("/a/out")), PathBuf::from(".."));
        assert_eq!(relative(Path::new("/a/notebooks"), Path::new("/a/out")), PathBuf::from("../out"));
        assert_eq!(relative(Path::new("/a/out"), Path::new("/a/out")), PathBuf::from("."));
    }

    #[test]
    fn sources_keep_their_newlines_but_the_last() {
        assert_eq!(lines("a\nb\n"), ["a\n", "b"]);
        assert_eq!(lines("x"), ["x"]);
    }
}
