//! The human report: `report/index.html` (English), `index.ru.html`, `index.kk.html`. Static,
//! self-contained pages (styles inline, no script, no network): the report's sections in its
//! order, each with its charts and tables (title, unit, definition, totals in bold, flags, the
//! disclosure symbol explained, footnotes, download links), then the validation summary and
//! the reproduction of the published report. Rendered with minijinja from
//! `templates/report.html`.

use minijinja::value::{Serde, Value};
use minijinja::{context, Environment};
use serde::Serialize;

use crate::catalog::Run;
use crate::charts::{format_number, Chart};
use crate::labels::{dimension_name, label, Lang};
use crate::validation::Validation;
use crate::{PublishSettings, PublishedTable};
use hestat_transform::output::cell_text;
use hestat_transform::row_key;

const TEMPLATE: &str = include_str!("../templates/report.html");

/// Rows a table shows on the page; longer tables are shown in part, with a link to the files.
pub const ROWS_SHOWN: usize = 60;

/// The page of a language, relative to the output folder.
pub fn page_path(lang: Lang) -> String {
    match lang {
        Lang::En => "report/index.html".to_string(),
        other => format!("report/index.{}.html", other.code()),
    }
}

/// The words of the page, in one language.
#[derive(Serialize)]
struct Ui {
    title: &'static str,
    synthetic: &'static str,
    produced_by: &'static str,
    fingerprint: &'static str,
    rule: &'static str,
    symbols: &'static str,
    confidential: &'static str,
    contents: &'static str,
    validation: &'static str,
    reproduction: &'static str,
    reproduction_intro: &'static str,
    workbook: &'static str,
    unit: &'static str,
    download: &'static str,
    files: &'static str,
    files_rejected: &'static str,
    rows_read: &'static str,
    rows_loaded: &'static str,
    rows_skipped: &'static str,
    rows_quarantined: &'static str,
    by_rule: &'static str,
    by_university: &'static str,
    rule_name: &'static str,
    rows: &'static str,
    university: &'static str,
    status: &'static str,
    cells: &'static str,
    findings: &'static str,
    source: &'static str,
    tables: &'static str,
    message: &'static str,
    shown: &'static str,
}

fn ui(lang: Lang) -> Ui {
    let t = |en: &'static str, ru: &'static str, kk: &'static str| lang.pick([en, ru, kk]);
    Ui {
        title: t("National Report on the State and Development of the Higher Education System: tables and figures", "Национальный доклад о состоянии и развитии системы высшего образования: таблицы и диаграммы", "Жоғары білім беру жүйесінің жай-күйі мен дамуы туралы ұлттық баяндама: кестелер мен диаграммалар"),
        synthetic: t("SYNTHETIC DATA: the embedded default dataset is generated so that its totals equal the published report. It describes no real student, staff member or university record.", "СИНТЕТИЧЕСКИЕ ДАННЫЕ: встроенный набор данных сгенерирован так, что его итоги равны опубликованному докладу. Он не описывает ни одного реального студента, сотрудника или вуза.", "СИНТЕТИКАЛЫҚ ДЕРЕКТЕР: кірістірілген деректер жиыны қорытындылары жарияланған баяндамаға тең болатындай жасалған. Онда бірде-бір нақты студент, қызметкер немесе ЖОО жазбасы жоқ."),
        produced_by: t("Produced by", "Подготовлено программой", "Дайындаған бағдарлама"),
        fingerprint: t("inputs", "входные данные", "кіріс деректер"),
        rule: t("disclosure control", "контроль раскрытия", "ашудың бақылауы"),
        symbols: t("Symbols: c = confidential (a small group, or a cell that would reveal one, is not published); r = rounded to the nearest 5. Totals are in bold.", "Обозначения: c = конфиденциально (малая группа или ячейка, раскрывающая её, не публикуется); r = округлено до 5. Итоги выделены жирным.", "Белгілер: c = құпия (шағын топ немесе оны ашатын ұяшық жарияланбайды); r = 5-ке дейін дөңгелектелген. Қорытындылар қалың қаріппен."),
        confidential: t("confidential: not published to protect a small group", "конфиденциально: не публикуется для защиты малой группы", "құпия: шағын топты қорғау үшін жарияланбайды"),
        contents: t("Contents", "Содержание", "Мазмұны"),
        validation: t("Validation of the submissions", "Проверка представленных данных", "Ұсынылған деректерді тексеру"),
        reproduction: t("Reproduction of the published report", "Воспроизведение опубликованного доклада", "Жарияланған баяндаманы қайта есептеу"),
        reproduction_intro: t("Every clean figure of the published report compared with the restricted (unrounded) tables, cell by cell; mismatches are explained where the report contradicts itself.", "Каждая достоверная цифра доклада сравнена с закрытыми (неокруглёнными) таблицами; расхождения объяснены там, где доклад противоречит сам себе.", "Баяндаманың әрбір сенімді саны жабық (дөңгелектенбеген) кестелермен салыстырылды; баяндама өзіне қайшы келген жерде айырмашылықтар түсіндірілген."),
        workbook: t("All tables (XLSX)", "Все таблицы (XLSX)", "Барлық кестелер (XLSX)"),
        unit: t("unit", "единица", "бірлік"),
        download: t("Download", "Скачать", "Жүктеу"),
        files: t("Files read", "Прочитано файлов", "Оқылған файлдар"),
        files_rejected: t("Files rejected", "Отклонено файлов", "Қабылданбаған файлдар"),
        rows_read: t("Rows read", "Прочитано строк", "Оқылған жолдар"),
        rows_loaded: t("Rows loaded", "Загружено строк", "Жүктелген жолдар"),
        rows_skipped: t("Rows skipped (notes, totals, blank)", "Пропущено строк (примечания, итоги, пустые)", "Өткізілген жолдар (ескертпелер, қорытындылар, бос)"),
        rows_quarantined: t("Rows quarantined", "Строк на карантине", "Карантиндегі жолдар"),
        by_rule: t("Quarantined rows by rule", "Строки на карантине по правилам", "Карантиндегі жолдар, ережелер бойынша"),
        by_university: t("Quarantined rows by university", "Строки на карантине по вузам", "Карантиндегі жолдар, ЖОО бойынша"),
        rule_name: t("Rule", "Правило", "Ереже"),
        rows: t("Rows", "Строки", "Жолдар"),
        university: t("University", "Вуз", "ЖОО"),
        status: t("Result", "Результат", "Нәтиже"),
        cells: t("Figures", "Цифры", "Сандар"),
        findings: t("Consistency errors", "Ошибки согласованности", "Сәйкессіздік қателері"),
        source: t("In", "Где", "Қайда"),
        tables: t("Tables", "Таблицы", "Кестелер"),
        message: t("Finding", "Описание", "Сипаттама"),
        shown: t("Only the first rows are shown here; the files hold every row.", "Здесь показаны только первые строки; файлы содержат все строки.", "Мұнда тек алғашқы жолдар көрсетілген; файлдарда барлық жолдар бар."),
    }
}

#[derive(Serialize)]
struct Cell {
    text: String,
    number: bool,
    suppressed: bool,
}

#[derive(Serialize)]
struct Row {
    cells: Vec<Cell>,
    total: bool,
}

#[derive(Serialize)]
struct TableView {
    id: String,
    title: String,
    reproduces: Option<String>,
    unit: String,
    definition: String,
    disclosure: String,
    footnotes: Vec<String>,
    headers: Vec<String>,
    rows: Vec<Row>,
    row_count: usize,
    shown: String,
}

#[derive(Serialize)]
struct ChartView {
    id: String,
    title: String,
    src: String,
    png: String,
}

#[derive(Serialize)]
struct SectionView {
    number: String,
    anchor: String,
    title: String,
    charts: Vec<ChartView>,
    tables: Vec<TableView>,
}

#[derive(Serialize)]
struct Language {
    code: &'static str,
    name: &'static str,
    href: String,
}

fn table_view(table: &PublishedTable, lang: Lang) -> TableView {
    let frame = &table.protected.frame;
    let names: Vec<String> = frame.get_column_names().iter().map(|n| n.to_string()).collect();
    let headers = names.iter().map(|n| match dimension_name(n, lang) { "" => n.clone(), name => name.to_string() }).collect();
    let dims = table.indicator.dimensions;
    // The values cast once (suppressed cells are null).
    let values: Vec<Option<f64>> = frame.column("value").ok().and_then(|c| c.cast(&polars::prelude::DataType::Float64).ok()).and_then(|c| c.f64().ok().map(|f| f.iter().collect())).unwrap_or_default();
    let rows = (0..frame.height().min(ROWS_SHOWN))
        .map(|r| {
            let key = row_key(frame, dims, r);
            let cells = names
                .iter()
                .map(|name| {
                    if name == "value" {
                        let number = values.get(r).copied().flatten();
                        return Cell { text: number.map(|v| format_number(v, lang)).unwrap_or_default(), number: true, suppressed: number.is_none() };
                    }
                    if let Some(code) = key.get(name) {
                        // A dimension with no code (preparatory students have no field) is
                        // shown as the report shows an absent value.
                        let text = if code.is_empty() { "–".to_string() } else { label(name, code, lang) };
                        return Cell { text, number: false, suppressed: false };
                    }
                    let text = frame.column(name).ok().and_then(|c| c.get(r).ok()).map(|v| cell_text(&v)).unwrap_or_default();
                    Cell { text, number: false, suppressed: false }
                })
                .collect();
            Row { cells, total: key.values().any(|v| v == "Total") }
        })
        .collect();
    let m = &table.metadata;
    let disclosure = if m.disclosure.treatment == "controlled" { format!("{}: {}", lang.pick(["disclosure-controlled", "с контролем раскрытия", "ашу бақыланған"]), m.disclosure.reason) } else { format!("{}: {}", lang.pick(["exact", "точные значения", "нақты мәндер"]), m.disclosure.reason) };
    TableView {
        id: table.indicator.id.to_string(),
        title: table.indicator.title.in_lang(lang).to_string(),
        reproduces: table.indicator.reproduces.map(str::to_string),
        unit: m.unit.clone(),
        definition: m.definition.clone(),
        disclosure,
        footnotes: m.footnotes.clone(),
        headers,
        rows,
        row_count: frame.height(),
        shown: format!("{} ({} / {})", ui(lang).shown, ROWS_SHOWN.min(frame.height()), frame.height()),
    }
}

/// One language's page.
pub fn page(tables: &[PublishedTable], charts: &[Chart], validation: &Validation, run: &Run, settings: &PublishSettings, lang: Lang) -> Result<String, minijinja::Error> {
    let mut env = Environment::new();
    env.add_template("report.html", TEMPLATE)?;
    let mut sections: Vec<SectionView> = Vec::new();
    for table in tables {
        let number = table.section.number;
        if sections.last().is_none_or(|s| s.number != number) {
            sections.push(SectionView { number: number.to_string(), anchor: number.replace('.', "-"), title: table.section.title.in_lang(lang).to_string(), charts: Vec::new(), tables: Vec::new() });
        }
        let Some(section) = sections.last_mut() else { continue };
        for chart in charts.iter().filter(|c| c.table == table.indicator.id && c.lang == lang) {
            section.charts.push(ChartView { id: chart.id.to_string(), title: chart.title.clone(), src: format!("../{}", chart.svg_path()), png: format!("../{}", chart.png_path()) });
        }
        section.tables.push(table_view(table, lang));
    }
    let languages: Vec<Language> = Lang::ALL
        .iter()
        .map(|l| Language { code: l.code(), name: l.pick(["English", "Русский", "Қазақша"]), href: page_path(*l).trim_start_matches("report/").to_string() })
        .collect();
    env.get_template("report.html")?.render(context! {
        lang => lang.code(),
        ui => Value::from(Serde(ui(lang))),
        synthetic => settings.synthetic,
        run => Value::from(Serde(run)),
        languages => Value::from(Serde(languages)),
        sections => Value::from(Serde(sections)),
        validation => Value::from(Serde(validation)),
    })
}
