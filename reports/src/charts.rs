//! The report's figures, drawn with plotters from the published (disclosure-controlled)
//! tables, in English, Russian and Kazakh: `charts/<lang>/<id>.svg` and `.png`, 800 px wide.
//!
//! Each figure is data ([`FIGURES`]): the table it shows, which dimension runs along the
//! axis and which makes the series, the rows it keeps, and its titles. One colour per series
//! across all charts: a series' colour is its code's place in its dimension's list
//! ([`series_colour`]), so `outgoing` or `Europe` look the same wherever they appear. Text
//! is set in DejaVu Sans, embedded (Cyrillic and the Kazakh letters ә ғ қ ң ө ұ ү һ і); no
//! system font is used.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use hestat_transform::catalogue::{titles, Titles};
use hestat_transform::output::cell_text;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use polars::prelude::DataFrame;

use crate::labels::{label, Lang};
use crate::{PublishError, PublishedTable};

/// Width and height of every chart, in pixels.
pub const SIZE: (u32, u32) = (800, 500);

/// The font family name the charts register DejaVu Sans under.
const FONT: &str = "sans-serif";

/// How a figure draws its values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Vertical bars, one per series side by side in each category.
    Bars,
    /// Vertical bars, the series stacked, the total above.
    Stacked,
    /// Horizontal bars of one series, largest first.
    Horizontal,
}

/// Which rows of the table a figure keeps: a dimension equal to a code, or to the table's
/// latest year.
#[derive(Debug, Clone, Copy)]
pub enum Keep {
    Is(&'static str, &'static str),
    Latest(&'static str),
}

/// One figure, as data.
#[derive(Debug, Clone, Copy)]
pub struct Figure {
    /// File name (`charts/<lang>/<id>.svg`): the report's numbering where it has one.
    pub id: &'static str,
    /// The published table it shows.
    pub table: &'static str,
    pub title: Titles,
    pub kind: Kind,
    /// The dimension along the axis.
    pub category: &'static str,
    /// The dimension that makes the series (`None`: one series).
    pub series: Option<&'static str>,
    pub keep: &'static [Keep],
    /// At most this many categories (the largest), for long lists.
    pub top: Option<usize>,
    /// Values printed on the bars, as the report does.
    pub value_labels: bool,
}

/// Every figure hestat draws.
pub const FIGURES: &[Figure] = &[
    Figure { id: "figure_6_1_1", table: "table_6_1_1", title: titles("Incoming and outgoing students by year", "Входящая и исходящая академическая мобильность студентов по годам", "Студенттердің кіріс және шығыс академиялық ұтқырлығы, жылдар бойынша"), kind: Kind::Bars, category: "year", series: Some("direction"), keep: &[], top: None, value_labels: true },
    Figure { id: "figure_6_1_6", table: "table_6_1_6", title: titles("Inbound students by world region and year", "Входящие студенты по регионам мира и годам", "Келген студенттер, әлем өңірлері мен жылдар бойынша"), kind: Kind::Stacked, category: "year", series: Some("world_region"), keep: &[], top: None, value_labels: true },
    Figure { id: "figure_6_1_13", table: "table_6_1_13", title: titles("Outbound students by world region and year", "Исходящие студенты по регионам мира и годам", "Шетелге шыққан студенттер, әлем өңірлері мен жылдар бойынша"), kind: Kind::Stacked, category: "year", series: Some("world_region"), keep: &[], top: None, value_labels: true },
    Figure { id: "figure_6_1_14", table: "table_6_1_14", title: titles("Outbound students by funding source", "Исходящие студенты по источникам финансирования", "Шетелге шыққан студенттер, қаржыландыру көздері бойынша"), kind: Kind::Stacked, category: "year", series: Some("funding_source"), keep: &[], top: None, value_labels: true },
    Figure { id: "figure_6_1_3", table: "figure_6_1_3", title: titles("Foreign degree students by year", "Иностранные студенты по годам", "Шетелдік студенттер, жылдар бойынша"), kind: Kind::Bars, category: "academic_year", series: None, keep: &[], top: None, value_labels: true },
    Figure { id: "figure_6_1_8", table: "figure_6_1_8", title: titles("Foreign students by region of study, latest year", "Иностранные студенты по регионам обучения, последний год", "Шетелдік студенттер, оқу өңірлері бойынша, соңғы жыл"), kind: Kind::Horizontal, category: "region_code", series: None, keep: &[Keep::Latest("academic_year")], top: Some(20), value_labels: true },
    Figure { id: "foreign_students_top10_countries", table: "foreign_students_top10_countries", title: titles("Top ten countries of foreign students, latest year", "Десять основных стран иностранных студентов, последний год", "Шетелдік студенттердің негізгі он елі, соңғы жыл"), kind: Kind::Horizontal, category: "country_iso3", series: None, keep: &[Keep::Latest("academic_year")], top: Some(10), value_labels: true },
    Figure { id: "figure_3_1_2", table: "hei_by_legal_form", title: titles("Higher education institutions by legal form", "Вузы по организационно-правовой форме", "ЖОО, ұйымдық-құқықтық нысаны бойынша"), kind: Kind::Horizontal, category: "legal_form", series: None, keep: &[], top: None, value_labels: true },
    Figure { id: "figure_3_2_2", table: "enrollment_by_funding", title: titles("State-funded and fee-paying students", "Студенты, обучающиеся за счёт государства и на платной основе", "Мемлекет есебінен және ақылы негізде оқитын студенттер"), kind: Kind::Stacked, category: "academic_year", series: Some("funding"), keep: &[], top: None, value_labels: true },
    Figure { id: "figure_3_2_3", table: "enrollment_by_region", title: titles("Students by region, latest year", "Студенты по регионам, последний год", "Студенттер, өңірлер бойынша, соңғы жыл"), kind: Kind::Horizontal, category: "region_code", series: None, keep: &[Keep::Latest("academic_year")], top: Some(20), value_labels: true },
    Figure { id: "figure_3_4_1", table: "table_3_4_1", title: titles("Gross enrollment ratio by region, latest year (%)", "Валовый коэффициент охвата по регионам, последний год (%)", "Жалпы қамту коэффициенті, өңірлер бойынша, соңғы жыл (%)"), kind: Kind::Horizontal, category: "region_code", series: None, keep: &[Keep::Latest("academic_year")], top: Some(21), value_labels: true },
    Figure { id: "figure_2_2_1", table: "figure_2_2_1", title: titles("Teacher-training grants by year", "Гранты на подготовку педагогов по годам", "Педагог кадрларды даярлауға арналған гранттар, жылдар бойынша"), kind: Kind::Bars, category: "academic_year", series: None, keep: &[], top: None, value_labels: true },
    Figure { id: "figure_8_2_1", table: "figure_8_2_1", title: titles("Students with disabilities by group and year", "Студенты с инвалидностью по группам и годам", "Мүгедектігі бар студенттер, топтар мен жылдар бойынша"), kind: Kind::Bars, category: "academic_year", series: Some("disability_group"), keep: &[Keep::Is("measure", "count")], top: None, value_labels: true },
    Figure { id: "sen_students_by_field", table: "sen_students_by_field", title: titles("Students with special educational needs by field, latest year", "Студенты с особыми образовательными потребностями по областям образования, последний год", "Ерекше білім беру қажеттіліктері бар студенттер, білім беру салалары бойынша, соңғы жыл"), kind: Kind::Horizontal, category: "field_code", series: None, keep: &[Keep::Is("measure", "count"), Keep::Latest("academic_year")], top: None, value_labels: true },
    Figure { id: "figure_6_1_19", table: "table_6_1_19", title: titles("Faculty in academic mobility by country, latest year (top 15)", "Преподаватели в академической мобильности по странам, последний год (15 стран)", "Академиялық ұтқырлықтағы оқытушылар, елдер бойынша, соңғы жыл (15 ел)"), kind: Kind::Horizontal, category: "country_iso3", series: None, keep: &[Keep::Is("measure", "count"), Keep::Latest("year")], top: Some(15), value_labels: true },
];

/// A drawn figure.
#[derive(Debug, Clone)]
pub struct Chart {
    pub id: &'static str,
    pub table: &'static str,
    pub lang: Lang,
    pub title: String,
    pub svg: String,
    pub png: Vec<u8>,
    /// The texts drawn (title, labels, legend), for the tests and the pages' alt text.
    pub texts: Vec<String>,
}

impl Chart {
    pub fn svg_path(&self) -> String {
        format!("charts/{}/{}.svg", self.lang.code(), self.id)
    }

    pub fn png_path(&self) -> String {
        format!("charts/{}/{}.png", self.lang.code(), self.id)
    }
}

/// The palette, in order: a series' colour is its place in its dimension's list.
const PALETTE: [RGBColor; 12] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
    RGBColor(57, 59, 121),
    RGBColor(173, 73, 74),
];

/// The colour of a single-series chart.
const SINGLE: RGBColor = RGBColor(31, 119, 180);

/// The codes of each series dimension, in the order that gives their colours.
fn series_codes(dimension: &str) -> Vec<&'static str> {
    let lists = hestat_contract::codes::code_lists();
    match dimension {
        "world_region" => vec!["CIS", "Europe", "Southeast Asia", "Middle East", "America", "Africa", "Other", "Kazakhstan"],
        "direction" => vec!["incoming", "outgoing"],
        "disability_group" => vec!["I", "II", "III"],
        other => lists.list(other).map(|l| l.codes().to_vec()).unwrap_or_default(),
    }
}

/// A series' colour: the same code has the same colour in every chart.
pub fn series_colour(dimension: &str, code: &str) -> RGBColor {
    let codes = series_codes(dimension);
    let place = codes.iter().position(|c| *c == code).unwrap_or_else(|| code.bytes().map(usize::from).sum::<usize>());
    PALETTE[place % PALETTE.len()]
}

fn register_fonts() {
    static DONE: OnceLock<()> = OnceLock::new();
    DONE.get_or_init(|| {
        // DejaVu Sans is a valid font: registration cannot fail on it.
        let _ = plotters::style::register_font(FONT, FontStyle::Normal, dejavu::sans::regular());
        let _ = plotters::style::register_font(FONT, FontStyle::Bold, dejavu::sans::bold());
    });
}

/// A number as the report prints it: thousands separated (`4,416`; `4 416` in Russian and
/// Kazakh), at most one decimal.
pub fn format_number(value: f64, lang: Lang) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    let whole = rounded.trunc().abs() as u64;
    let digits = whole.to_string();
    let separator = if lang == Lang::En { "," } else { "\u{a0}" };
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push_str(separator);
        }
        grouped.push(c);
    }
    let sign = if rounded < 0.0 { "-" } else { "" };
    let fraction = ((rounded.abs() - whole as f64) * 10.0).round() as u64;
    let decimal = if lang == Lang::En { "." } else { "," };
    if fraction == 0 {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}{decimal}{fraction}")
    }
}

/// The figure's data: categories in order, series in order, and the value of each
/// (category, series); suppressed cells are absent.
struct Data {
    categories: Vec<String>,
    series: Vec<String>,
    values: BTreeMap<(String, String), f64>,
}

fn text_at(frame: &DataFrame, column: &str, row: usize) -> String {
    frame.column(column).ok().and_then(|c| c.get(row).ok()).map(|v| cell_text(&v)).unwrap_or_default()
}

fn data(figure: &Figure, frame: &DataFrame) -> Data {
    let latest = |column: &str| (0..frame.height()).filter_map(|r| text_at(frame, column, r).parse::<i32>().ok()).max().map(|y| y.to_string()).unwrap_or_default();
    let keep: Vec<(&str, String)> = figure
        .keep
        .iter()
        .map(|k| match k {
            Keep::Is(d, v) => (*d, v.to_string()),
            Keep::Latest(d) => (*d, latest(d)),
        })
        .collect();
    let mut values = BTreeMap::new();
    let mut categories: Vec<String> = Vec::new();
    let mut series: Vec<String> = Vec::new();
    let value_column = frame.column("value").ok().and_then(|c| c.cast(&polars::prelude::DataType::Float64).ok());
    for r in 0..frame.height() {
        if keep.iter().any(|(d, v)| text_at(frame, d, r) != *v) {
            continue;
        }
        let category = text_at(frame, figure.category, r);
        let one = figure.series.map(|s| text_at(frame, s, r)).unwrap_or_default();
        if category.is_empty() || category == "Total" || one == "Total" {
            continue;
        }
        let Some(value) = value_column.as_ref().and_then(|c| c.f64().ok().and_then(|c| c.get(r))) else { continue };
        if !categories.contains(&category) {
            categories.push(category.clone());
        }
        if !series.contains(&one) {
            series.push(one.clone());
        }
        values.insert((category, one), value);
    }
    if figure.kind == Kind::Horizontal {
        let total = |c: &String| series.iter().filter_map(|s| values.get(&(c.clone(), s.clone()))).sum::<f64>();
        categories.sort_by(|a, b| total(b).total_cmp(&total(a)).then(a.cmp(b)));
    } else {
        categories.sort();
    }
    if let Some(top) = figure.top {
        categories.truncate(top);
    }
    if let Some(dimension) = figure.series {
        let order = series_codes(dimension);
        series.sort_by_key(|s| (order.iter().position(|c| c == s).unwrap_or(usize::MAX), s.clone()));
    }
    Data { categories, series, values }
}

/// A "nice" axis maximum and step for values up to `max`.
fn axis(max: f64) -> (f64, f64) {
    if max <= 0.0 {
        return (1.0, 1.0);
    }
    let raw = max / 5.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0].iter().map(|m| m * magnitude).find(|s| *s >= raw).unwrap_or(10.0 * magnitude);
    ((max / step).ceil() * step, step)
}

type Area<'a, B> = DrawingArea<B, plotters::coord::Shift>;

struct Painter<'b, B: DrawingBackend> {
    area: &'b Area<'b, B>,
    texts: Vec<String>,
}

impl<'b, B: DrawingBackend> Painter<'b, B> {
    fn text(&mut self, text: &str, at: (i32, i32), size: f64, anchor: (HPos, VPos), bold: bool, colour: RGBColor) {
        let font = if bold { (FONT, size).into_font().style(FontStyle::Bold) } else { (FONT, size).into_font() };
        let style = font.color(&colour).pos(Pos::new(anchor.0, anchor.1));
        let _ = self.area.draw(&Text::new(text.to_string(), at, style));
        self.texts.push(text.to_string());
    }

    fn width(&self, text: &str, size: f64) -> i32 {
        self.area.estimate_text_size(text, &TextStyle::from((FONT, size).into_font())).map(|(w, _)| w as i32).unwrap_or(text.chars().count() as i32 * (size as i32) / 2)
    }

    fn rect(&self, from: (i32, i32), to: (i32, i32), colour: RGBColor) {
        let _ = self.area.draw(&Rectangle::new([from, to], colour.filled()));
    }

    fn line(&self, from: (i32, i32), to: (i32, i32), colour: RGBColor) {
        let _ = self.area.draw(&PathElement::new(vec![from, to], colour.stroke_width(1)));
    }
}

/// A label as a chart shows it: with a capital first letter (the code lists write `own
/// funds`, `жеке`).
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// Shortens a label to `max` characters.
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(max - 1).collect::<String>())
    }
}

const GREY: RGBColor = RGBColor(90, 90, 90);
const GRID: RGBColor = RGBColor(225, 225, 225);

fn paint<B: DrawingBackend>(area: &Area<B>, figure: &Figure, data: &Data, lang: Lang, title: &str) -> Vec<String> {
    let _ = area.fill(&WHITE);
    let mut p = Painter { area, texts: Vec::new() };
    let (width, height) = (SIZE.0 as i32, SIZE.1 as i32);
    // The title, on as many lines as it needs.
    let mut title_lines: Vec<String> = vec![String::new()];
    for word in title.split_whitespace() {
        let line = title_lines.last().map(String::as_str).unwrap_or("");
        let candidate = if line.is_empty() { word.to_string() } else { format!("{line} {word}") };
        if !line.is_empty() && p.width(&candidate, 19.0) > width - 40 {
            title_lines.push(word.to_string());
        } else if let Some(last) = title_lines.last_mut() {
            *last = candidate;
        }
    }
    for (i, line) in title_lines.iter().enumerate() {
        p.text(line, (width / 2, 14 + 24 * i as i32), 19.0, (HPos::Center, VPos::Top), true, BLACK);
    }
    let series_label = |s: &str| figure.series.map(|d| capitalised(&label(d, s, lang))).unwrap_or_default();
    let category_label = |c: &str| capitalised(&label(figure.category, c, lang));
    let colour = |s: &str| figure.series.map_or(SINGLE, |d| series_colour(d, s));
    // The legend, below the plot, wrapped over as many lines as it needs.
    let mut legend_lines = 0;
    if figure.series.is_some() && data.series.len() > 1 {
        let (mut x, mut y) = (60, height - 24);
        let entries: Vec<(String, RGBColor)> = data.series.iter().map(|s| (series_label(s), colour(s))).collect();
        let mut rows: Vec<Vec<(String, RGBColor, i32)>> = vec![Vec::new()];
        for (text, c) in entries {
            let w = p.width(&text, 13.0) + 34;
            if x + w > width - 20 {
                rows.push(Vec::new());
                x = 60;
            }
            rows.last_mut().map(|r| r.push((text, c, x)));
            x += w;
        }
        legend_lines = rows.len() as i32;
        y -= (legend_lines - 1) * 20;
        for row in rows {
            for (text, c, x) in row {
                p.rect((x, y - 6), (x + 14, y + 8), c);
                p.text(&text, (x + 20, y + 1), 13.0, (HPos::Left, VPos::Center), false, BLACK);
            }
            y += 20;
        }
    }
    let bottom = height - 40 - legend_lines * 20;
    let top = 54 + 24 * (title_lines.len() as i32 - 1);
    let stacked_total = |c: &String| data.series.iter().filter_map(|s| data.values.get(&(c.clone(), s.clone()))).sum::<f64>();
    let max = match figure.kind {
        Kind::Stacked | Kind::Horizontal => data.categories.iter().map(stacked_total).fold(0.0, f64::max),
        Kind::Bars => data.values.values().copied().fold(0.0, f64::max),
    };
    let (axis_max, step) = axis(max * 1.08);
    if data.categories.is_empty() {
        p.text("—", (width / 2, height / 2), 16.0, (HPos::Center, VPos::Center), false, GREY);
        return p.texts;
    }
    match figure.kind {
        Kind::Bars | Kind::Stacked => {
            let left = 80;
            let right = width - 20;
            let y_of = |v: f64| bottom - ((v / axis_max) * f64::from(bottom - top)) as i32;
            let mut tick = 0.0;
            while tick <= axis_max + 1e-9 {
                let y = y_of(tick);
                p.line((left, y), (right, y), GRID);
                p.text(&format_number(tick, lang), (left - 6, y), 12.0, (HPos::Right, VPos::Center), false, GREY);
                tick += step;
            }
            let band = f64::from(right - left) / data.categories.len() as f64;
            for (i, category) in data.categories.iter().enumerate() {
                let x0 = left + (band * i as f64) as i32;
                let centre = x0 + (band / 2.0) as i32;
                p.text(&shorten(&category_label(category), 16), (centre, bottom + 6), 13.0, (HPos::Center, VPos::Top), false, BLACK);
                if figure.kind == Kind::Stacked {
                    let bar = (band * 0.6) as i32;
                    let mut base = 0.0;
                    for s in &data.series {
                        let Some(v) = data.values.get(&(category.clone(), s.clone())) else { continue };
                        let (y1, y0) = (y_of(base), y_of(base + v));
                        p.rect((centre - bar / 2, y0), (centre + bar / 2, y1), colour(s));
                        if figure.value_labels && y1 - y0 >= 16 {
                            p.text(&format_number(*v, lang), (centre, (y0 + y1) / 2), 12.0, (HPos::Center, VPos::Center), false, WHITE);
                        }
                        base += v;
                    }
                    if figure.value_labels {
                        p.text(&format_number(base, lang), (centre, y_of(base) - 4), 12.0, (HPos::Center, VPos::Bottom), true, BLACK);
                    }
                } else {
                    let n = data.series.len().max(1) as f64;
                    let bar = ((band * 0.8) / n) as i32;
                    let start = centre - (bar as f64 * n / 2.0) as i32;
                    for (j, s) in data.series.iter().enumerate() {
                        let Some(v) = data.values.get(&(category.clone(), s.clone())) else { continue };
                        let x = start + bar * j as i32;
                        p.rect((x + 1, y_of(*v)), (x + bar - 1, bottom), colour(s));
                        if figure.value_labels {
                            p.text(&format_number(*v, lang), (x + bar / 2, y_of(*v) - 3), 12.0, (HPos::Center, VPos::Bottom), false, BLACK);
                        }
                    }
                }
            }
            p.line((left, bottom), (right, bottom), GREY);
        }
        Kind::Horizontal => {
            let labels: Vec<String> = data.categories.iter().map(|c| shorten(&category_label(c), 34)).collect();
            let left = labels.iter().map(|l| p.width(l, 12.0)).max().unwrap_or(100).clamp(60, 300) + 16;
            let right = width - 70;
            let x_of = |v: f64| left + ((v / axis_max) * f64::from(right - left)) as i32;
            let band = f64::from(bottom - top) / data.categories.len() as f64;
            let mut tick = 0.0;
            while tick <= axis_max + 1e-9 {
                let x = x_of(tick);
                p.line((x, top), (x, bottom), GRID);
                p.text(&format_number(tick, lang), (x, bottom + 4), 12.0, (HPos::Center, VPos::Top), false, GREY);
                tick += step;
            }
            for (i, (category, text)) in data.categories.iter().zip(&labels).enumerate() {
                let y0 = top + (band * i as f64) as i32;
                let centre = y0 + (band / 2.0) as i32;
                let bar = ((band * 0.7) as i32).max(2);
                p.text(text, (left - 6, centre), 12.0, (HPos::Right, VPos::Center), false, BLACK);
                let v = stacked_total(category);
                p.rect((left, centre - bar / 2), (x_of(v).max(left + 1), centre + bar / 2), data.series.first().map_or(SINGLE, |s| colour(s)));
                if figure.value_labels {
                    p.text(&format_number(v, lang), (x_of(v) + 4, centre), 12.0, (HPos::Left, VPos::Center), false, BLACK);
                }
            }
            p.line((left, top), (left, bottom), GREY);
        }
    }
    p.texts
}

/// Draws one figure in one language, SVG and PNG.
pub fn draw(figure: &Figure, frame: &DataFrame, lang: Lang) -> Result<Chart, PublishError> {
    register_fonts();
    let data = data(figure, frame);
    let title = figure.title.in_lang(lang).to_string();
    let fail = |e: &dyn std::fmt::Display| PublishError::Table { id: figure.id.to_string(), source: format!("cannot draw the chart: {e}").into() };
    let mut svg = String::new();
    let texts = {
        let area = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        let texts = paint(&area, figure, &data, lang, &title);
        area.present().map_err(|e| fail(&e))?;
        texts
    };
    let mut pixels = vec![0u8; (SIZE.0 * SIZE.1 * 3) as usize];
    {
        let area = BitMapBackend::with_buffer(&mut pixels, SIZE).into_drawing_area();
        paint(&area, figure, &data, lang, &title);
        area.present().map_err(|e| fail(&e))?;
    }
    let mut png = Vec::new();
    image::codecs::png::PngEncoder::new(&mut png).write_image(&pixels, SIZE.0, SIZE.1, image::ColorType::Rgb8).map_err(|e| fail(&e))?;
    Ok(Chart { id: figure.id, table: figure.table, lang, title, svg, png, texts })
}

use image::ImageEncoder;

/// Every figure whose table was published, in the three languages.
pub fn draw_all(tables: &[PublishedTable]) -> Result<Vec<Chart>, PublishError> {
    let mut charts = Vec::new();
    for figure in FIGURES {
        let Some(table) = tables.iter().find(|t| t.indicator.id == figure.table) else { continue };
        for lang in Lang::ALL {
            charts.push(draw(figure, &table.protected.frame, lang)?);
        }
    }
    Ok(charts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_as_each_language_prints_them() {
        assert_eq!(format_number(4416.0, Lang::En), "4,416");
        assert_eq!(format_number(4416.0, Lang::Ru), "4\u{a0}416");
        assert_eq!(format_number(31.25, Lang::En), "31.3");
        assert_eq!(format_number(1234567.0, Lang::Kk), "1\u{a0}234\u{a0}567");
        assert_eq!(format_number(0.0, Lang::En), "0");
    }

    #[test]
    fn a_series_keeps_its_colour_in_every_chart() {
        assert_eq!(series_colour("direction", "outgoing"), PALETTE[1]);
        assert_eq!(series_colour("world_region", "Europe"), PALETTE[1]);
        assert_ne!(series_colour("world_region", "CIS"), series_colour("world_region", "Europe"));
    }

    #[test]
    fn axes_end_on_round_numbers() {
        assert_eq!(axis(4416.0), (5000.0, 1000.0));
        assert_eq!(axis(23.0), (25.0, 5.0));
    }
}
