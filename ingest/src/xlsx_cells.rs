//! hestat's own reader of xlsx worksheets: the cells calamine's `worksheet_cells_reader` gives,
//! cell for cell and value for value, from a byte scanner instead of a general XML parser.
//!
//! Reading the sheet XML is most of ingestion's time, and calamine spends it in quick-xml's
//! general event machinery (every attribute, name and text checked and copied). A worksheet
//! is a narrow dialect: rows of `<c r s t>` elements holding `<v>`, `<f>` or `<is>`. The scanner
//! here finds tags and text with `memchr` and reads only what a cell needs. The commonest
//! cells (`<c …><v>…</v></c>`, `<c …/>`, `<c …><is><t>…</t></is></c>`, attributes in double
//! quotes) are read straight from the buffer in one pass; any other shape goes through the
//! general tokenizer, to the same cell. What that gains is measured against calamine's bare
//! streaming in BENCHMARKS.md ("hestat's own xlsx reader").
//!
//! It follows calamine 0.38's reader rule for rule (the shared strings, rich text and phonetic
//! runs, `xml:space`, `_xHHHH_` escapes, the number formats that make a number a date, rows and
//! columns without `r`, empty `<c/>` cells, formulas' cached values), and where it meets what it
//! does not know (a DOCTYPE, an unknown entity, a number it would have to guess at, a cell type
//! calamine rejects, a malformed tag) it *declines*: [`Declined`], and the sheet is read again
//! by calamine from its first row, so calamine still decides every file this reader is unsure
//! of, and says what is wrong with a damaged one. `tests/xlsx_cells.rs` checks the two readers
//! give identical cells on every xlsx fixture and on generated sheets with every quirk.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Read, Seek};
use std::path::Path;

use calamine::{CellErrorType, DataRef, Dimensions, ExcelDateTime, ExcelDateTimeType};
use memchr::{memchr, memchr2, memmem};

/// This reader does not know something in the sheet; calamine reads it instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Declined(pub &'static str);

impl std::fmt::Display for Declined {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "hestat's xlsx reader declined: {}", self.0)
    }
}

type Span = (usize, usize);

/// One XML event, as quick-xml gives it with `expand_empty_elements`: `<a/>` is a start
/// followed by an end. Spans index the scanner's buffer and hold until the next event.
#[derive(Debug, Clone, Copy)]
enum Event {
    Start { name: Span, attrs: Span },
    End { name: Span },
    Text(Span),
    Ref(Span),
    CData(Span),
    Eof,
}

/// Bytes inflated at a time.
const CHUNK: usize = 128 * 1024;

/// A streaming tokenizer over an XML part: text up to `<` or `&`, tags, entity references,
/// CDATA; comments and processing instructions skipped. A token is always whole (the buffer
/// grows until it is).
struct Scanner<R> {
    reader: R,
    buf: Vec<u8>,
    pos: usize,
    eof: bool,
    pending_end: Option<Span>,
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// The name after its namespace prefix (`x:c` is `c`), as quick-xml's `local_name`.
fn local(name: &[u8]) -> &[u8] {
    match name.iter().position(|&b| b == b':') {
        Some(i) => &name[i + 1..],
        None => name,
    }
}

impl<R: Read> Scanner<R> {
    fn new(reader: R) -> Self {
        Scanner { reader, buf: Vec::with_capacity(CHUNK * 2), pos: 0, eof: false, pending_end: None }
    }

    fn slice(&self, span: Span) -> &[u8] {
        &self.buf[span.0..span.1]
    }

    fn text(&self, span: Span) -> Result<&str, Declined> {
        std::str::from_utf8(self.slice(span)).map_err(|_| Declined("text that is not UTF-8"))
    }

    /// Reads more of the part behind what is left; false at its end. What it adds doubles with
    /// what is left, so a token longer than a chunk is scanned a bounded number of times.
    fn fill(&mut self) -> Result<bool, Declined> {
        if self.eof {
            return Ok(false);
        }
        if self.pos > 0 {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
        let old = self.buf.len();
        self.buf.resize(old + CHUNK.max(old), 0);
        let mut filled = old;
        while filled < self.buf.len() {
            match self.reader.read(&mut self.buf[filled..]) {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => {
                    self.buf.truncate(old);
                    return Err(Declined("the part cannot be inflated"));
                }
            }
        }
        self.buf.truncate(filled);
        Ok(filled > old)
    }

    fn next_event(&mut self) -> Result<Event, Declined> {
        if let Some(name) = self.pending_end.take() {
            return Ok(Event::End { name });
        }
        loop {
            if self.pos >= self.buf.len() && !self.fill()? {
                return Ok(Event::Eof);
            }
            let rest = &self.buf[self.pos..];
            let found = match rest[0] {
                b'<' => self.tag()?,
                b'&' => memchr(b';', rest).map(|i| {
                    let span = (self.pos + 1, self.pos + i);
                    self.pos += i + 1;
                    Some(Event::Ref(span))
                }),
                _ => match memchr2(b'<', b'&', rest) {
                    Some(i) => {
                        let span = (self.pos, self.pos + i);
                        self.pos += i;
                        Some(Some(Event::Text(span)))
                    }
                    None if self.eof => {
                        let span = (self.pos, self.buf.len());
                        self.pos = self.buf.len();
                        Some(Some(Event::Text(span)))
                    }
                    None => None,
                },
            };
            match found {
                Some(Some(event)) => return Ok(event),
                Some(None) => continue, // a comment or processing instruction, skipped
                None if !self.fill()? => return Err(Declined("the part ends inside a tag")),
                None => {}
            }
        }
    }

    /// The tag at `pos`: `Some(Some(event))`, `Some(None)` for a skipped one, `None` when
    /// it is not whole in the buffer.
    fn tag(&mut self) -> Result<Option<Option<Event>>, Declined> {
        let rest = &self.buf[self.pos..];
        let Some(&second) = rest.get(1) else { return Ok(None) };
        match second {
            b'/' => {
                let Some(end) = memchr(b'>', rest) else { return Ok(None) };
                let mut name_end = end;
                while name_end > 2 && is_space(rest[name_end - 1]) {
                    name_end -= 1;
                }
                let name = (self.pos + 2, self.pos + name_end);
                self.pos += end + 1;
                Ok(Some(Some(Event::End { name })))
            }
            b'?' => {
                let Some(end) = memmem::find(rest, b"?>") else { return Ok(None) };
                self.pos += end + 2;
                Ok(Some(None))
            }
            b'!' => {
                if rest.len() < 9 && !self.eof {
                    return Ok(None);
                }
                if rest.starts_with(b"<!--") {
                    let Some(end) = memmem::find(&rest[4..], b"-->") else { return Ok(None) };
                    self.pos += 4 + end + 3;
                    Ok(Some(None))
                } else if rest.starts_with(b"<![CDATA[") {
                    let Some(end) = memmem::find(&rest[9..], b"]]>") else { return Ok(None) };
                    let span = (self.pos + 9, self.pos + 9 + end);
                    self.pos += 9 + end + 3;
                    Ok(Some(Some(Event::CData(span))))
                } else {
                    Err(Declined("a DOCTYPE or other declaration"))
                }
            }
            _ => {
                let Some(end) = tag_end(rest) else { return Ok(None) };
                let empty = rest[end - 1] == b'/';
                let inner_end = if empty { end - 1 } else { end };
                let name_len = rest[1..inner_end].iter().position(|&b| is_space(b)).unwrap_or(inner_end - 1);
                let name = (self.pos + 1, self.pos + 1 + name_len);
                let attrs = (name.1, self.pos + inner_end);
                self.pos += end + 1;
                if empty {
                    self.pending_end = Some(name);
                }
                Ok(Some(Some(Event::Start { name, attrs })))
            }
        }
    }

    /// The raw attributes of a start tag, in order.
    fn attributes(&self, span: Span) -> Attributes<'_> {
        Attributes { bytes: self.slice(span) }
    }

    /// Skips to the end tag that closes `name` (quick-xml's `read_to_end`).
    fn skip_to_end(&mut self, name: &[u8]) -> Result<(), Declined> {
        let mut depth = 0usize;
        loop {
            match self.next_event()? {
                Event::Start { name: n, .. } if self.slice(n) == name => depth += 1,
                Event::End { name: n } if self.slice(n) == name => {
                    if depth == 0 {
                        return Ok(());
                    }
                    depth -= 1;
                }
                Event::Eof => return Err(Declined("the part ends inside an element")),
                _ => {}
            }
        }
    }
}

/// The `>` that closes the tag at the start of `rest`, outside quoted attribute values. A byte
/// loop: a tag is a few dozen bytes, too few for `memchr`'s setup to pay.
fn tag_end(rest: &[u8]) -> Option<usize> {
    let mut quote = 0u8;
    for (k, &b) in rest.iter().enumerate().skip(1) {
        if quote != 0 {
            if b == quote {
                quote = 0;
            }
        } else if b == b'>' {
            return Some(k);
        } else if b == b'"' || b == b'\'' {
            quote = b;
        }
    }
    None
}

/// Attributes `key="value"` of a tag, raw (entities not decoded), as calamine's
/// `iter_raw_attrs`.
struct Attributes<'b> {
    bytes: &'b [u8],
}

impl<'b> Iterator for Attributes<'b> {
    type Item = Result<(&'b [u8], &'b [u8]), Declined>;

    fn next(&mut self) -> Option<Self::Item> {
        let start = self.bytes.iter().position(|&b| !is_space(b))?;
        let rest = &self.bytes[start..];
        let malformed = Some(Err(Declined("a malformed attribute")));
        // Byte loops: keys and values are short.
        let Some(eq) = rest.iter().position(|&b| b == b'=') else { return malformed };
        let key = &rest[..eq];
        if key.is_empty() || key.iter().any(|&b| is_space(b)) {
            return malformed;
        }
        let Some(&quote) = rest.get(eq + 1).filter(|&&q| q == b'"' || q == b'\'') else { return malformed };
        let Some(len) = rest[eq + 2..].iter().position(|&b| b == quote) else { return malformed };
        let value = &rest[eq + 2..eq + 2 + len];
        self.bytes = &rest[eq + 2 + len + 1..];
        if self.bytes.first().is_some_and(|&b| !is_space(b)) {
            return malformed;
        }
        Some(Ok((key, value)))
    }
}

/// The raw value of one attribute (the first of that key).
fn attribute<'b>(attrs: Attributes<'b>, key: &[u8]) -> Result<Option<&'b [u8]>, Declined> {
    for item in attrs {
        let (k, v) = item?;
        if k == key {
            return Ok(Some(v));
        }
    }
    Ok(None)
}

fn utf8(bytes: &[u8]) -> Result<&str, Declined> {
    std::str::from_utf8(bytes).map_err(|_| Declined("text that is not UTF-8"))
}

/// An entity reference (`lt`, `#1234`, `#x4A`) appended to `out`, as calamine's
/// `unescape_entity_to_buffer`.
fn push_entity(entity: &[u8], out: &mut String) -> Result<(), Declined> {
    let named = match entity {
        b"lt" => Some('<'),
        b"gt" => Some('>'),
        b"amp" => Some('&'),
        b"apos" => Some('\''),
        b"quot" => Some('"'),
        _ => None,
    };
    let c = match named {
        Some(c) => c,
        None => {
            let code = match entity {
                [b'#', b'x', hex @ ..] => utf8(hex).ok().filter(|h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_hexdigit())).and_then(|h| u32::from_str_radix(h, 16).ok()),
                [b'#', dec @ ..] => utf8(dec).ok().filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit())).and_then(|d| d.parse().ok()),
                _ => None,
            };
            code.filter(|&c| c != 0).and_then(char::from_u32).ok_or(Declined("an entity it does not know"))?
        }
    };
    out.push(c);
    Ok(())
}

/// Text with XML 1.0 line ends (`\r\n` and `\r` read as `\n`), as quick-xml's `xml10_content`.
fn push_xml10(text: &str, out: &mut String) {
    if memchr(b'\r', text.as_bytes()).is_none() {
        out.push_str(text);
        return;
    }
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' {
            if chars.peek() == Some(&'\n') {
                chars.next();
            }
            out.push('\n');
        } else {
            out.push(c);
        }
    }
}

/// [`push_xml10`] on its own, borrowing the text when it has no `\r` (most cells).
fn xml10(text: &str) -> Cow<'_, str> {
    if memchr(b'\r', text.as_bytes()).is_none() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    push_xml10(text, &mut out);
    Cow::Owned(out)
}

/// An attribute value with its entities decoded (calamine's `decode_attr`).
fn decode_attribute(raw: &[u8]) -> Result<String, Declined> {
    let text = utf8(raw)?;
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let semi = after.find(';').ok_or(Declined("an unterminated entity"))?;
        push_entity(after[..semi].as_bytes(), &mut out)?;
        rest = &after[semi + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Excel's own escapes in text, `_xHHHH_` (UTF-16 code units), decoded as calamine's
/// `unescape_xml` does.
fn unescape_excel(original: &str) -> Cow<'_, str> {
    fn escape_at(s: &[u8], i: usize) -> Option<u16> {
        let b = s.get(i..i + 7)?;
        if b[0] != b'_' || b[1] != b'x' || b[6] != b'_' || !b[2..6].iter().all(u8::is_ascii_hexdigit) {
            return None;
        }
        u16::from_str_radix(std::str::from_utf8(&b[2..6]).ok()?, 16).ok()
    }
    fn find(s: &str, mut from: usize) -> Option<(usize, u16)> {
        while let Some(offset) = s[from..].find('_') {
            let i = from + offset;
            if let Some(unit) = escape_at(s.as_bytes(), i) {
                return Some((i, unit));
            }
            from = i + 1;
        }
        None
    }
    let Some((mut index, mut unit)) = find(original, 0) else { return Cow::Borrowed(original) };
    let mut out = String::with_capacity(original.len());
    let mut copied = 0;
    loop {
        out.push_str(&original[copied..index]);
        index += 7;
        match unit {
            0xD800..=0xDBFF => match escape_at(original.as_bytes(), index) {
                Some(low @ 0xDC00..=0xDFFF) => {
                    let code = 0x10000 + ((u32::from(unit) - 0xD800) << 10) + (u32::from(low) - 0xDC00);
                    out.push(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER));
                    index += 7;
                }
                _ => out.push(char::REPLACEMENT_CHARACTER),
            },
            0xDC00..=0xDFFF => out.push(char::REPLACEMENT_CHARACTER),
            _ => out.push(char::from_u32(u32::from(unit)).unwrap_or(char::REPLACEMENT_CHARACTER)),
        }
        copied = index;
        match find(original, index) {
            Some(next) => (index, unit) = next,
            None => break,
        }
    }
    out.push_str(&original[copied..]);
    Cow::Owned(out)
}

/// A plain or rich string item (`<si>`, `<is>`) up to the end tag `closing`: its `<t>` runs
/// joined, phonetic runs (`<rPh>`) left out, whitespace trimmed unless `xml:space="preserve"`
/// (calamine's `read_string_with_bufs`).
fn read_string<R: Read>(xml: &mut Scanner<R>, closing: &[u8]) -> Result<String, Declined> {
    let mut rich: Option<String> = None;
    let mut phonetic = false;
    loop {
        match xml.next_event()? {
            Event::Start { name, .. } if local(xml.slice(name)) == b"r" && rich.is_none() => rich = Some(String::new()),
            Event::Start { name, .. } if local(xml.slice(name)) == b"rPh" => phonetic = true,
            Event::End { name } if xml.slice(name) == closing => return Ok(rich.unwrap_or_default()),
            Event::End { name } if local(xml.slice(name)) == b"rPh" => phonetic = false,
            Event::Start { name, attrs } if local(xml.slice(name)) == b"t" && !phonetic => {
                let preserve = attribute(xml.attributes(attrs), b"xml:space")? == Some(b"preserve");
                let t_name = short_name(xml.slice(name))?;
                let mut value = String::new();
                loop {
                    match xml.next_event()? {
                        Event::Text(span) | Event::CData(span) => push_xml10(xml.text(span)?, &mut value),
                        Event::Ref(span) => push_entity(xml.slice(span), &mut value)?,
                        Event::End { name } if xml.slice(name) == t_name.as_bytes() => break,
                        Event::Eof => return Err(Declined("the part ends inside a string")),
                        _ => {}
                    }
                }
                let value = text_run(&value, preserve);
                match &mut rich {
                    Some(s) => s.push_str(&value),
                    None => rich = Some(value),
                }
            }
            Event::Eof => return Err(Declined("the part ends inside a string")),
            _ => {}
        }
    }
}

/// A `<t>` run's text as a cell holds it: trimmed unless `xml:space="preserve"`, Excel's
/// `_xHHHH_` escapes decoded.
fn text_run(text: &str, preserve: bool) -> String {
    if preserve { unescape_excel(text).into_owned() } else { unescape_excel(text.trim_matches([' ', '\t', '\r', '\n'])).into_owned() }
}

/// A tag name kept across events (they move the buffer), without allocating.
#[derive(Clone, Copy)]
struct ShortName {
    bytes: [u8; 24],
    len: usize,
}

impl ShortName {
    fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

fn short_name(name: &[u8]) -> Result<ShortName, Declined> {
    let mut bytes = [0u8; 24];
    bytes.get_mut(..name.len()).ok_or(Declined("a long tag name"))?.copy_from_slice(name);
    Ok(ShortName { bytes, len: name.len() })
}

/// What a cell's number format makes of a number (calamine's `CellFormat`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NumberKind {
    Number,
    DateTime,
    TimeDelta,
}

/// calamine's `detect_custom_number_format`: a format whose first section shows a date or
/// time part is a date; `[h]`, `[m]`, `[s]` a duration.
fn custom_number_kind(format: &str) -> NumberKind {
    let mut escaped = false;
    let mut is_quote = false;
    let mut brackets = 0u8;
    let mut prev = ' ';
    let mut hms = false;
    let mut ap = false;
    for s in format.chars() {
        match (s, escaped, is_quote, ap, brackets) {
            (_, true, ..) => escaped = false,
            ('_' | '\\' | '*', ..) => escaped = true,
            ('"', _, true, _, _) => is_quote = false,
            (_, _, true, _, _) => (),
            ('"', _, _, _, _) => is_quote = true,
            (';', ..) => return NumberKind::Number,
            ('[', ..) => brackets += 1,
            (']', .., 1) if hms => return NumberKind::TimeDelta,
            (']', ..) => brackets = brackets.saturating_sub(1),
            ('a' | 'A', _, _, false, 0) => ap = true,
            ('p' | 'm' | '/' | 'P' | 'M', _, _, true, 0) => return NumberKind::DateTime,
            ('d' | 'm' | 'h' | 'y' | 's' | 'D' | 'M' | 'H' | 'Y' | 'S', _, _, false, 0) => return NumberKind::DateTime,
            _ => {
                if !(hms && s.eq_ignore_ascii_case(&prev)) {
                    hms = prev == '[' && matches!(s, 'm' | 'h' | 's' | 'M' | 'H' | 'S');
                }
            }
        }
        prev = s;
    }
    NumberKind::Number
}

/// calamine's `builtin_format_by_id`.
fn builtin_number_kind(id: &[u8]) -> NumberKind {
    match id {
        b"14" | b"15" | b"16" | b"17" | b"18" | b"19" | b"20" | b"21" | b"22" | b"45" | b"47" | b"27" | b"28" | b"29" | b"30"
        | b"31" | b"32" | b"33" | b"34" | b"35" | b"36" | b"50" | b"51" | b"52" | b"53" | b"54" | b"55" | b"56" | b"57"
        | b"58" => NumberKind::DateTime,
        b"46" => NumberKind::TimeDelta,
        _ => NumberKind::Number,
    }
}

/// A non-negative decimal of ASCII digits (a style or string index).
fn index(bytes: &[u8]) -> Option<usize> {
    if bytes.is_empty() || bytes.len() > 9 || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(bytes.iter().fold(0usize, |n, &b| n * 10 + usize::from(b - b'0')))
}

/// A cell reference (`B12`, or `12` for a row) as 0-based (row, column), as calamine's
/// `get_row_and_optional_column`.
fn row_and_column(reference: &[u8]) -> Result<(u32, Option<u32>), Declined> {
    let bad = Declined("a cell reference it does not read");
    let letters = reference.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    let digits = &reference[letters..];
    if letters > 3 || digits.is_empty() || digits.len() > 7 || !digits.iter().all(u8::is_ascii_digit) {
        return Err(bad);
    }
    let col = reference[..letters].iter().fold(0u32, |c, &b| c * 26 + u32::from(b.to_ascii_uppercase() - b'A') + 1);
    let row = digits.iter().fold(0u32, |r, &b| r * 10 + u32::from(b - b'0'));
    let row = row.checked_sub(1).ok_or(bad)?;
    Ok((row, col.checked_sub(1)))
}

fn cell_position(reference: &[u8]) -> Result<(u32, u32), Declined> {
    match row_and_column(reference)? {
        (row, Some(col)) => Ok((row, col)),
        _ => Err(Declined("a cell reference without its column")),
    }
}

fn dimension(reference: &[u8]) -> Result<Dimensions, Declined> {
    let parts = reference.split(|&b| b == b':').map(cell_position).collect::<Result<Vec<_>, _>>()?;
    match parts[..] {
        [one] => Ok(Dimensions::new(one, one)),
        [start, end] if end.0 >= start.0 && end.1 >= start.1 => Ok(Dimensions::new(start, end)),
        _ => Err(Declined("a dimension it does not read")),
    }
}

/// A number as Excel writes one: `-?digits(.digits)?([eE][+-]?digits)?`. Anything else
/// (calamine would parse some, or keep it as text) is declined.
fn plain_number(text: &str) -> Option<f64> {
    let b = text.as_bytes();
    let mut i = usize::from(b.first() == Some(&b'-'));
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i > start
    };
    if !digits(&mut i) {
        return None;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        if !digits(&mut i) {
            return None;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !digits(&mut i) {
            return None;
        }
    }
    (i == b.len()).then(|| text.parse().ok()).flatten()
}

/// The `t` attribute of a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CellType {
    Number,
    Shared,
    Bool,
    Error,
    Formula,
    Date,
    Inline,
    Unknown,
}

fn cell_type(t: Option<&[u8]>) -> CellType {
    match t {
        None | Some(b"n") => CellType::Number,
        Some(b"s") => CellType::Shared,
        Some(b"b") => CellType::Bool,
        Some(b"e") => CellType::Error,
        Some(b"str") => CellType::Formula,
        Some(b"d") => CellType::Date,
        Some(b"inlineStr" | b"is") => CellType::Inline,
        Some(_) => CellType::Unknown,
    }
}

/// The parts of an xlsx workbook this reader needs: its shared strings, what each cell style
/// makes of a number, and where each sheet is.
pub struct Workbook {
    zip: zip::ZipArchive<BufReader<File>>,
    /// Lower-cased part names to the archive's own (calamine looks parts up so).
    names: HashMap<String, String>,
    strings: Vec<String>,
    number_kinds: Vec<NumberKind>,
    sheets: HashMap<String, String>,
    is_1904: bool,
}

fn part<'z, R: Read + Seek>(zip: &'z mut zip::ZipArchive<R>, names: &HashMap<String, String>, path: &str) -> Option<Scanner<zip::read::ZipFile<'z, R>>> {
    let name = names.get(&path.to_ascii_lowercase()).map_or(path, String::as_str);
    zip.by_name(name).ok().map(Scanner::new)
}

/// Scans to the start tag named `local_name`; its attributes are in the scanner.
fn find_start<R: Read>(xml: &mut Scanner<R>, local_name: &[u8]) -> Result<Span, Declined> {
    loop {
        match xml.next_event()? {
            Event::Start { name, attrs } if local(xml.slice(name)) == local_name => return Ok(attrs),
            Event::Eof => return Err(Declined("a part without its root element")),
            _ => {}
        }
    }
}

impl Workbook {
    /// Opens the workbook's parts; `None` when this reader does not follow its layout (calamine
    /// then reads it). `is_1904` is the date system calamine found.
    pub fn open(path: &Path, is_1904: bool) -> Option<Workbook> {
        let file = File::open(path).ok()?;
        let mut zip = zip::ZipArchive::new(BufReader::new(file)).ok()?;
        let mut names = HashMap::with_capacity(zip.len());
        for name in zip.file_names() {
            let name = name.ok()?;
            names.insert(name.replace('\\', "/").to_ascii_lowercase(), name.to_string());
        }
        let (xl_path, workbook_name) = Self::document(&mut zip, &names).ok()?;
        let relationships = Self::relationships(&mut zip, &names, &format!("{xl_path}_rels/{workbook_name}.rels")).ok()?;
        let sheets = Self::sheet_parts(&mut zip, &names, &format!("{xl_path}{workbook_name}"), &xl_path, &relationships).ok()?;
        let strings = match part(&mut zip, &names, &format!("{xl_path}sharedStrings.xml")) {
            Some(mut xml) => Self::shared_strings(&mut xml).ok()?,
            None => Vec::new(),
        };
        let number_kinds = match part(&mut zip, &names, &format!("{xl_path}styles.xml")) {
            Some(mut xml) => Self::styles(&mut xml).ok()?,
            None => Vec::new(),
        };
        Some(Workbook { zip, names, strings, number_kinds, sheets, is_1904 })
    }

    /// The workbook part's folder and name, from the package relationships.
    fn document<R: Read + Seek>(zip: &mut zip::ZipArchive<R>, names: &HashMap<String, String>) -> Result<(String, String), Declined> {
        let mut xml = part(zip, names, "_rels/.rels").ok_or(Declined("no package relationships"))?;
        find_start(&mut xml, b"Relationships")?;
        let mut target = None;
        loop {
            match xml.next_event()? {
                Event::Start { name, attrs } if local(xml.slice(name)) == b"Relationship" => {
                    let (mut typ, mut tgt) = (None, None);
                    for item in xml.attributes(attrs) {
                        let (k, v) = item?;
                        match k {
                            b"Type" => typ = Some(v),
                            b"Target" => tgt = Some(v),
                            _ => {}
                        }
                    }
                    if typ.is_some_and(|t| t.ends_with(b"/relationships/officeDocument")) {
                        if let Some(t) = tgt {
                            target = Some(decode_attribute(t)?);
                        }
                    }
                }
                Event::End { name } if local(xml.slice(name)) == b"Relationships" => break,
                Event::Eof => return Err(Declined("unterminated relationships")),
                _ => {}
            }
        }
        let target = target.ok_or(Declined("no workbook part"))?;
        let (dir, name) = match target.rfind('/') {
            Some(i) => target.split_at(i + 1),
            None => ("", target.as_str()),
        };
        let name = if name.is_empty() { "workbook.xml" } else { name };
        Ok((dir.strip_prefix('/').unwrap_or(dir).to_string(), name.to_string()))
    }

    /// Relationship id → (target, type) of the workbook.
    fn relationships<R: Read + Seek>(zip: &mut zip::ZipArchive<R>, names: &HashMap<String, String>, path: &str) -> Result<HashMap<String, (String, String)>, Declined> {
        let mut xml = part(zip, names, path).ok_or(Declined("no workbook relationships"))?;
        let mut out = HashMap::new();
        loop {
            match xml.next_event()? {
                Event::Start { name, attrs } if local(xml.slice(name)) == b"Relationship" => {
                    let (mut id, mut typ, mut target) = (None, None, None);
                    for item in xml.attributes(attrs) {
                        let (k, v) = item?;
                        match k {
                            b"Id" => id = Some(v),
                            b"Type" => typ = Some(v),
                            b"Target" => target = Some(v),
                            _ => {}
                        }
                    }
                    if let Some(id) = id {
                        let text = |v: Option<&[u8]>| utf8(v.unwrap_or_default()).map(str::to_string);
                        out.insert(utf8(id)?.to_string(), (text(target)?, text(typ)?));
                    }
                }
                Event::End { name } if local(xml.slice(name)) == b"Relationships" => return Ok(out),
                Event::Eof => return Err(Declined("unterminated relationships")),
                _ => {}
            }
        }
    }

    /// Sheet name → the part that holds its worksheet.
    fn sheet_parts<R: Read + Seek>(
        zip: &mut zip::ZipArchive<R>,
        names: &HashMap<String, String>,
        path: &str,
        xl_path: &str,
        relationships: &HashMap<String, (String, String)>,
    ) -> Result<HashMap<String, String>, Declined> {
        let mut xml = part(zip, names, path).ok_or(Declined("no workbook part"))?;
        let mut sheets = HashMap::new();
        loop {
            match xml.next_event()? {
                Event::Start { name, attrs } if local(xml.slice(name)) == b"sheet" => {
                    let (mut sheet, mut rel_id) = (None, None);
                    for item in xml.attributes(attrs) {
                        let (k, v) = item?;
                        match k {
                            b"name" => sheet = Some(decode_attribute(v)?),
                            b"state" | b"sheetId" => {}
                            k if local(k) == b"id" => rel_id = Some(v),
                            _ => {}
                        }
                    }
                    let (target, typ) = relationships.get(utf8(rel_id.unwrap_or_default())?).ok_or(Declined("a sheet without its relationship"))?;
                    if typ.rsplit('/').next() == Some("worksheet") {
                        let part = match target.strip_prefix('/') {
                            Some(absolute) => absolute.to_string(),
                            None => format!("{xl_path}{target}"),
                        };
                        // calamine reads the first sheet of a name.
                        sheets.entry(sheet.unwrap_or_default()).or_insert(part);
                    }
                }
                Event::End { name } if local(xml.slice(name)) == b"workbook" => return Ok(sheets),
                Event::Eof => return Err(Declined("unterminated workbook")),
                _ => {}
            }
        }
    }

    fn shared_strings<R: Read>(xml: &mut Scanner<R>) -> Result<Vec<String>, Declined> {
        let attrs = find_start(xml, b"sst")?;
        let count = attribute(xml.attributes(attrs), b"uniqueCount")?.and_then(index).unwrap_or(0);
        let mut strings = Vec::with_capacity(count.min(1 << 20));
        loop {
            match xml.next_event()? {
                Event::Start { name, .. } if local(xml.slice(name)) == b"si" => {
                    let closing = short_name(xml.slice(name))?;
                    strings.push(read_string(xml, closing.as_bytes())?);
                }
                Event::End { name } if local(xml.slice(name)) == b"sst" => return Ok(strings),
                Event::Eof => return Err(Declined("unterminated shared strings")),
                _ => {}
            }
        }
    }

    /// What each cell style (`cellXfs`) makes of a number.
    fn styles<R: Read>(xml: &mut Scanner<R>) -> Result<Vec<NumberKind>, Declined> {
        let mut formats: HashMap<Vec<u8>, String> = HashMap::new();
        let mut kinds = Vec::new();
        let mut section: &[u8] = b"";
        loop {
            match xml.next_event()? {
                Event::Start { name, attrs } => {
                    let n = local(xml.slice(name));
                    match (section, n) {
                        (b"", b"numFmts") => section = b"numFmts",
                        (b"", b"cellXfs") => section = b"cellXfs",
                        (b"numFmts", b"numFmt") => {
                            let (mut id, mut code) = (None, None);
                            for item in xml.attributes(attrs) {
                                let (k, v) = item?;
                                match k {
                                    b"numFmtId" => id = Some(v),
                                    b"formatCode" => code = Some(v),
                                    _ => {}
                                }
                            }
                            if let (Some(id), Some(code)) = (id, code) {
                                formats.insert(id.to_vec(), decode_attribute(code)?);
                            }
                        }
                        (b"cellXfs", b"xf") => {
                            let id = attribute(xml.attributes(attrs), b"numFmtId")?;
                            kinds.push(id.map_or(NumberKind::Number, |id| match formats.get(id) {
                                Some(code) => custom_number_kind(code),
                                None => builtin_number_kind(id),
                            }));
                        }
                        _ => {}
                    }
                }
                Event::End { name } => {
                    let n = local(xml.slice(name));
                    if n == section {
                        section = b"";
                    } else if n == b"styleSheet" {
                        return Ok(kinds);
                    }
                }
                Event::Eof => return Ok(kinds),
                _ => {}
            }
        }
    }

    /// The cells of a worksheet, or `None` when this reader has no part for it.
    pub fn cells(&mut self, sheet: &str) -> Option<Result<SheetCells<'_, zip::read::ZipFile<'_, BufReader<File>>>, Declined>> {
        let path = self.sheets.get(sheet)?;
        let xml = part(&mut self.zip, &self.names, path)?;
        Some(SheetCells::new(xml, &self.strings, &self.number_kinds, self.is_1904))
    }
}

/// The cells of one worksheet in XML order, as calamine's `XlsxCellReader::next_cell`.
pub struct SheetCells<'a, R> {
    xml: Scanner<R>,
    strings: &'a [String],
    number_kinds: &'a [NumberKind],
    is_1904: bool,
    dimensions: Dimensions,
    row_index: u32,
    col_index: u32,
}

impl<'a, R: Read> SheetCells<'a, R> {
    fn new(mut xml: Scanner<R>, strings: &'a [String], number_kinds: &'a [NumberKind], is_1904: bool) -> Result<Self, Declined> {
        let mut dimensions = Dimensions::default();
        loop {
            match xml.next_event()? {
                Event::Start { name, attrs } => match local(xml.slice(name)) {
                    b"dimension" => {
                        let reference = attribute(xml.attributes(attrs), b"ref")?.ok_or(Declined("a dimension without its range"))?;
                        dimensions = dimension(reference)?;
                    }
                    b"sheetData" => break,
                    _ => {}
                },
                Event::Eof => return Err(Declined("a part that is not a worksheet")),
                _ => {}
            }
        }
        Ok(SheetCells { xml, strings, number_kinds, is_1904, dimensions, row_index: 0, col_index: 0 })
    }

    pub fn dimensions(&self) -> Dimensions {
        self.dimensions
    }

    pub fn next_cell(&mut self) -> Result<Option<calamine::Cell<DataRef<'a>>>, Declined> {
        loop {
            if let Some(cell) = self.plain_cell()? {
                return Ok(Some(cell));
            }
            match self.xml.next_event()? {
                Event::Start { name, attrs } => match local(self.xml.slice(name)) {
                    b"row" => {
                        if let Some(r) = attribute(self.xml.attributes(attrs), b"r")? {
                            self.row_index = row_and_column(r)?.0;
                        }
                    }
                    b"c" => return self.cell(attrs).map(Some),
                    _ => {}
                },
                Event::End { name } => match local(self.xml.slice(name)) {
                    b"row" => {
                        self.row_index += 1;
                        self.col_index = 0;
                    }
                    b"sheetData" => return Ok(None),
                    _ => {}
                },
                Event::Eof => return Err(Declined("the sheet ends before its data does")),
                _ => {}
            }
        }
    }

    /// The place of a cell: its reference's when it has one (which moves the column on),
    /// else the next column of the row.
    fn place(&mut self, reference: Option<(u32, u32)>) -> (u32, u32) {
        match reference {
            Some(pos) => {
                self.col_index = pos.1;
                pos
            }
            None => (self.row_index, self.col_index),
        }
    }

    /// The commonest cells read straight from the buffer: `<c …/>`, `<c …><v>text</v></c>` of
    /// a number, shared string, boolean or error, and `<c …><is><t>text</t></is></c>`. `None`,
    /// with nothing consumed, for any other shape (spaces between tags, a formula, an entity,
    /// rich text, a cell not whole in the buffer): the general path reads it, to the same cell.
    fn plain_cell(&mut self) -> Result<Option<calamine::Cell<DataRef<'a>>>, Declined> {
        if self.xml.pending_end.is_some() {
            return Ok(None);
        }
        let rest = &self.xml.buf[self.xml.pos..];
        if !rest.starts_with(b"<c ") {
            return Ok(None);
        }
        let Some((end, empty, [r, s, t])) = plain_cell_tag(rest) else { return Ok(None) };
        let (reference, kind, typ) = cell_meaning(r, s, t, self.number_kinds)?;
        let body = &rest[end + 1..];
        let (value, length) = if empty {
            (DataRef::Empty, end + 1)
        } else if let Some(inline) = body.strip_prefix(b"<is><t") {
            // As `read_string` reads a single plain run.
            let (preserve, start) = match inline {
                [b'>', ..] => (false, 7),
                _ if inline.starts_with(b" xml:space=\"preserve\">") => (true, 28),
                _ => return Ok(None),
            };
            let Some(len) = memchr2(b'<', b'&', &body[start..]) else { return Ok(None) };
            if !body[start + len..].starts_with(b"</t></is></c>") {
                return Ok(None);
            }
            let text = xml10(utf8(&body[start..start + len])?);
            (DataRef::String(text_run(&text, preserve)), end + 1 + start + len + 13)
        } else if matches!(typ, CellType::Number | CellType::Shared | CellType::Bool | CellType::Error) && body.starts_with(b"<v>") {
            let Some(len) = memchr2(b'<', b'&', &body[3..]).filter(|&len| len > 0) else { return Ok(None) };
            if !body[3 + len..].starts_with(b"</v></c>") {
                return Ok(None);
            }
            let text = utf8(&body[3..3 + len])?;
            (plain_value(text, typ, kind, self.strings, self.is_1904)?, end + 1 + 3 + len + 8)
        } else {
            return Ok(None);
        };
        let pos = self.place(reference);
        self.xml.pos += length;
        self.col_index += 1;
        Ok(Some(calamine::Cell::new(pos, value)))
    }

    fn cell(&mut self, attrs: Span) -> Result<calamine::Cell<DataRef<'a>>, Declined> {
        let (reference, kind, typ) = cell_head(self.xml.attributes(attrs), self.number_kinds)?;
        let pos = self.place(reference);
        let mut value = DataRef::Empty;
        loop {
            match self.xml.next_event()? {
                Event::Start { name, .. } => {
                    let element = short_name(self.xml.slice(name))?;
                    value = self.value(element, typ, kind)?;
                }
                Event::End { name } if local(self.xml.slice(name)) == b"c" => break,
                Event::Eof => return Err(Declined("the sheet ends inside a cell")),
                _ => {}
            }
        }
        self.col_index += 1;
        Ok(calamine::Cell::new(pos, value))
    }

    /// One child of a cell (calamine's `read_value`).
    fn value(&mut self, element: ShortName, typ: CellType, kind: Option<NumberKind>) -> Result<DataRef<'a>, Declined> {
        let name = element.as_bytes();
        match local(name) {
            b"is" => Ok(DataRef::String(read_string(&mut self.xml, name)?)),
            b"v" if typ == CellType::Inline => {
                self.xml.skip_to_end(name)?;
                Ok(DataRef::Empty)
            }
            b"v" if matches!(typ, CellType::Number | CellType::Shared | CellType::Bool | CellType::Error) => {
                let value = match self.xml.next_event()? {
                    Event::Text(span) => {
                        let text = self.xml.text(span)?;
                        plain_value(text, typ, kind, self.strings, self.is_1904)?
                    }
                    Event::End { name: n } if self.xml.slice(n) == name => return Ok(DataRef::Empty),
                    Event::Eof => return Err(Declined("the sheet ends inside a value")),
                    _ => DataRef::Empty,
                };
                self.xml.skip_to_end(name)?;
                Ok(value)
            }
            b"v" => {
                let mut text = String::new();
                loop {
                    match self.xml.next_event()? {
                        Event::Text(span) => push_xml10(self.xml.text(span)?, &mut text),
                        Event::Ref(span) => push_entity(self.xml.slice(span), &mut text)?,
                        Event::End { name: n } if self.xml.slice(n) == name => break,
                        Event::Eof => return Err(Declined("the sheet ends inside a value")),
                        _ => {}
                    }
                }
                match typ {
                    CellType::Date => Ok(DataRef::DateTimeIso(text)),
                    CellType::Formula => Ok(DataRef::String(unescape_excel(&text).into_owned())),
                    _ => Err(Declined("a cell type calamine rejects")),
                }
            }
            b"f" => {
                self.xml.skip_to_end(name)?;
                Ok(DataRef::Empty)
            }
            _ => Err(Declined("an element calamine rejects in a cell")),
        }
    }
}

/// What a cell's start tag says: its reference, what its style makes of a number, its type.
fn cell_head(attrs: Attributes<'_>, number_kinds: &[NumberKind]) -> Result<(Option<(u32, u32)>, Option<NumberKind>, CellType), Declined> {
    let mut rst = [None; 3];
    let mut found = 0;
    for item in attrs {
        let (k, v) = item?;
        if keep_cell_attribute(&mut rst, &mut found, k, v) == Some(true) {
            break;
        }
    }
    let [r, s, t] = rst;
    cell_meaning(r, s, t, number_kinds)
}

/// calamine's `get_attrs!`: each of r, s, t as last seen, stopping once all three are.
/// `None` for another attribute, else whether all three are now seen.
fn keep_cell_attribute<'b>(rst: &mut [Option<&'b [u8]>; 3], found: &mut u8, key: &[u8], value: &'b [u8]) -> Option<bool> {
    let slot = match key {
        b"r" => 0,
        b"s" => 1,
        b"t" => 2,
        _ => return None,
    };
    rst[slot] = Some(value);
    *found += 1;
    Some(*found == 3)
}

/// A cell start tag `<c key="value" …>` or `<c …/>` at the start of `rest`, read in one pass
/// where the tag is plain: attributes separated by single spaces, values in double quotes.
/// Its closing `>`, whether it is empty, and r, s, t as [`cell_head`] takes them; `None` for
/// any other tag, or one not whole in `rest` (the general path reads it).
fn plain_cell_tag(rest: &[u8]) -> Option<(usize, bool, [Option<&[u8]>; 3])> {
    let mut rst = [None; 3];
    let mut found = 0;
    let mut i = 2;
    loop {
        match *rest.get(i)? {
            b' ' => i += 1,
            b'>' => return Some((i, false, rst)),
            b'/' => return (*rest.get(i + 1)? == b'>').then_some((i + 1, true, rst)),
            _ => {
                let key_start = i;
                loop {
                    match *rest.get(i)? {
                        b'=' => break,
                        b if is_space(b) || b == b'>' || b == b'"' || b == b'\'' => return None,
                        _ => i += 1,
                    }
                }
                let key = &rest[key_start..i];
                if key.is_empty() || *rest.get(i + 1)? != b'"' {
                    return None;
                }
                let value_start = i + 2;
                let len = rest.get(value_start..)?.iter().position(|&b| b == b'"')?;
                let value = &rest[value_start..value_start + len];
                i = value_start + len + 1;
                if !matches!(*rest.get(i)?, b' ' | b'>' | b'/') {
                    return None;
                }
                if found < 3 {
                    keep_cell_attribute(&mut rst, &mut found, key, value);
                }
            }
        }
    }
}

/// The meaning of a cell's r, s and t.
fn cell_meaning(r: Option<&[u8]>, s: Option<&[u8]>, t: Option<&[u8]>, number_kinds: &[NumberKind]) -> Result<(Option<(u32, u32)>, Option<NumberKind>, CellType), Declined> {
    let reference = r.map(cell_position).transpose()?;
    let kind = match s {
        Some(s) => number_kinds.get(index(s).ok_or(Declined("a style index it does not read"))?).copied(),
        None => Some(NumberKind::Number),
    };
    Ok((reference, kind, cell_type(t)))
}

/// The value of a `<v>` of a number, shared string, boolean or error cell (calamine's `read_v`).
fn plain_value<'a>(text: &str, typ: CellType, kind: Option<NumberKind>, strings: &'a [String], is_1904: bool) -> Result<DataRef<'a>, Declined> {
    match typ {
        CellType::Shared if text.is_empty() => Ok(DataRef::Empty),
        CellType::Shared => {
            let i = index(text.as_bytes()).ok_or(Declined("a string index it does not read"))?;
            strings.get(i).map(|s| DataRef::SharedString(s.as_str())).ok_or(Declined("a string index past the shared strings"))
        }
        CellType::Bool => match text.trim() {
            "" => Ok(DataRef::Empty),
            v if v == "0" || v.eq_ignore_ascii_case("false") => Ok(DataRef::Bool(false)),
            v if v == "1" || v.eq_ignore_ascii_case("true") => Ok(DataRef::Bool(true)),
            _ => Err(Declined("a boolean calamine rejects")),
        },
        CellType::Error => text.parse::<CellErrorType>().map(DataRef::Error).map_err(|_| Declined("an error value calamine rejects")),
        _ if text.is_empty() => Ok(DataRef::Empty),
        _ => {
            let n = plain_number(text).ok_or(Declined("a number it would have to guess at"))?;
            Ok(match kind {
                Some(NumberKind::DateTime) => DataRef::DateTime(ExcelDateTime::new(n, ExcelDateTimeType::DateTime, is_1904)),
                Some(NumberKind::TimeDelta) => DataRef::DateTime(ExcelDateTime::new(n, ExcelDateTimeType::TimeDelta, is_1904)),
                _ => DataRef::Float(n),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(sheet: &str, strings: &[String], kinds: &[NumberKind]) -> Result<Vec<calamine::Cell<DataRef<'static>>>, Declined> {
        let strings: &'static [String] = Box::leak(strings.to_vec().into_boxed_slice());
        let kinds: &'static [NumberKind] = Box::leak(kinds.to_vec().into_boxed_slice());
        let mut reader = SheetCells::new(Scanner::new(sheet.as_bytes()), strings, kinds, false)?;
        let mut out = Vec::new();
        while let Some(cell) = reader.next_cell()? {
            out.push(cell);
        }
        Ok(out)
    }

    #[test]
    fn rows_and_columns_without_references_continue_from_the_last() {
        let xml = r#"<worksheet><dimension ref="A1:C2"/><sheetData><row r="1"><c r="B1"><v>1</v></c><c><v>2.5</v></c></row><row><c t="s"><v>0</v></c><c/></row></sheetData></worksheet>"#;
        let got = cells(xml, &["x".to_string()], &[]).unwrap();
        let got: Vec<_> = got.iter().map(|c| (c.get_position(), c.get_value().clone())).collect();
        assert_eq!(
            got,
            vec![((0, 1), DataRef::Float(1.0)), ((0, 2), DataRef::Float(2.5)), ((1, 0), DataRef::SharedString("x")), ((1, 1), DataRef::Empty)]
        );
    }

    #[test]
    fn texts_keep_entities_escapes_and_runs() {
        let xml = "<worksheet><sheetData><row r=\"3\"><c r=\"A3\" t=\"inlineStr\"><is><r><t>a &amp; </t></r><r><t xml:space=\"preserve\"> b_x000D_</t></r><rPh><t>x</t></rPh></is></c>\
                   <c r=\"B3\" t=\"str\"><f>A1</f><v>&#1178;&lt;</v></c><c r=\"C3\" t=\"e\"><v>#N/A</v></c><c r=\"D3\" t=\"b\"><v>1</v></c></row></sheetData></worksheet>";
        let got = cells(xml, &[], &[]).unwrap();
        let values: Vec<_> = got.iter().map(|c| c.get_value().clone()).collect();
        assert_eq!(
            values,
            vec![
                DataRef::String("a & b\r".to_string()),
                DataRef::String("Қ<".to_string()),
                DataRef::Error(CellErrorType::NA),
                DataRef::Bool(true),
            ]
        );
    }

    #[test]
    fn dates_follow_the_style_of_the_cell() {
        let xml = r#"<worksheet><sheetData><row><c s="1"><v>45000</v></c><c s="0"><v>45000</v></c><c s="7"><v>1</v></c></row></sheetData></worksheet>"#;
        let got = cells(xml, &[], &[NumberKind::Number, NumberKind::DateTime]).unwrap();
        assert_eq!(got[0].get_value(), &DataRef::DateTime(ExcelDateTime::new(45000.0, ExcelDateTimeType::DateTime, false)));
        assert_eq!(got[1].get_value(), &DataRef::Float(45000.0));
        // A style past the list: a plain number, as calamine reads it.
        assert_eq!(got[2].get_value(), &DataRef::Float(1.0));
    }

    #[test]
    fn what_it_does_not_know_is_declined() {
        for (xml, why) in [
            ("<worksheet><sheetData><row><c><v> 1</v></c></row></sheetData></worksheet>", "a number it would have to guess at"),
            ("<worksheet><sheetData><row><c t=\"x\"><v>1</v></c></row></sheetData></worksheet>", "a cell type calamine rejects"),
            ("<worksheet><sheetData><row><c t=\"str\"><v>&nbsp;</v></c></row></sheetData></worksheet>", "an entity it does not know"),
            ("<worksheet><sheetData><row><c><extLst/></c></row></sheetData></worksheet>", "an element calamine rejects in a cell"),
            ("<worksheet><sheetData><row><c r=\"1\"><v>1</v></c></row></sheetData></worksheet>", "a cell reference without its column"),
            ("<worksheet><sheetData><row><c><v>1</v>", "the sheet ends inside a cell"),
        ] {
            assert_eq!(cells(xml, &[], &[]).unwrap_err(), Declined(why), "{xml}");
        }
    }

    #[test]
    fn number_formats_that_make_a_date() {
        assert_eq!(custom_number_kind("dd.mm.yyyy"), NumberKind::DateTime);
        assert_eq!(custom_number_kind("[h]:mm:ss"), NumberKind::TimeDelta);
        assert_eq!(custom_number_kind("#,##0"), NumberKind::Number);
        assert_eq!(custom_number_kind("\"day\" 0"), NumberKind::Number);
        assert_eq!(builtin_number_kind(b"14"), NumberKind::DateTime);
        assert_eq!(builtin_number_kind(b"3"), NumberKind::Number);
    }
}
