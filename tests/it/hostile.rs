//! Hostile sheets for the fuzz tests: a seeded generator of what no office should send and some
//! office one day will. Random bytes; fixtures with bits flipped, cut short, or quotes, NULs and
//! BOMs slipped in; cells replaced by formulas, 1e308, NaN, -0, 24.005 or 2024-02-30; cells of
//! megabytes, 100,000 columns, quotes nested ten thousand deep; workbooks built by hand with
//! numbers that are not numbers and cells far off the sheet, or with their zip broken.

use std::fmt::Write as _;

/// SplitMix64: ten lines, and the same stream on every machine for a seed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    /// True one time in `n`.
    pub fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// A sheet the inputs are made from.
pub struct Seed {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// One hostile input: a file name (its extension matters: `.xlsx` is read as a workbook), its
/// bytes, and how it was made.
pub struct Input {
    pub ext: &'static str,
    pub bytes: Vec<u8>,
    pub how: String,
}

/// Cell values that have broken importers: formulas, numbers no sheet should hold, dates that do
/// not exist, control characters, and words from the wrong column.
const NASTY: &[&str] = &[
    "=1+1",
    "=HYPERLINK(\"http://x\",\"y\")",
    "+1",
    "-1",
    "@SUM(A1)",
    "1e308",
    "-1e308",
    "1e309",
    "4.9e-324",
    "NaN",
    "nan",
    "inf",
    "-inf",
    "-0",
    "+0",
    "-0.00",
    "0.000",
    "24.005",
    "24.01",
    "24",
    "2400",
    "0.1e1",
    "99999999999999999999",
    "9223372036854775807",
    "-9223372036854775808",
    "1.5学时",
    "２４学时",
    "1,5",
    "0x10",
    "2024-02-30",
    "2024-13-01",
    "0000-00-00",
    "0000-01-01",
    "9999-12-31",
    "2024年2月30日",
    "00000101",
    "20240230",
    "45366",
    "2958466",
    "-45366",
    "1/0",
    "\u{FEFF}",
    "\u{FEFF}工号",
    "\0",
    "\"",
    "\"\"",
    "'",
    "\t",
    "\r",
    "\u{2028}",
    "\u{202E}0001",
    "😀",
    "王\u{3000}伟",
    "０００１",
    "'; DELETE FROM learner; --",
    "0001' OR '1'='1",
    "%s%n%x",
    "{}",
    "NULL",
    "null",
    "√",
    "×",
    "迟到",
    "早退",
    "请假",
    "present",
    "absent",
    "first",
    "一等奖",
    "member",
    "群众",
    "theory",
    "offline",
    "工号",
    "staff_id",
    "0001",
    "0",
    "",
];

/// Bytes slipped into a file: quotes, NUL, byte order marks, line ends, separators, half a
/// character of UTF-8 and of GB18030.
const INSERTS: &[&[u8]] = &[
    b"\"",
    b"\"\"",
    b"\0",
    b"\xEF\xBB\xBF",
    b"\xFF\xFE",
    b"\xFE\xFF",
    b"\r",
    b"\n",
    b",",
    b"\t",
    b"\xE5",
    b"\x81\x30",
];

/// Raw `<v>` texts for number cells of a hand-made workbook.
const NASTY_NUMBERS: &[&str] = &[
    "NaN",
    "1e308",
    "-1e308",
    "1e309",
    "-0",
    "24.005",
    "45366",
    "45351.5",
    "2958466",
    "-1",
    "0",
    "4.9e-324",
    "",
    "abc",
    "0x10",
    " 12 ",
    "1.7976931348623157e308",
    "12",
];

/// Makes one hostile input from `seed`.
pub fn generate(rng: &mut Rng, seed: &Seed) -> Input {
    match rng.below(10) {
        0 => random_bytes(rng),
        1..=3 => mutate(rng, seed),
        4..=6 => cells(rng, seed),
        7 => shape(rng, seed),
        _ => workbook(rng, seed),
    }
}

fn ext_of(name: &str) -> &'static str {
    if name.ends_with(".xlsx") {
        "xlsx"
    } else {
        "csv"
    }
}

fn random_bytes(rng: &mut Rng) -> Input {
    let len = rng.below(4096);
    let mut bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
    let prefix: &[u8] = match rng.below(6) {
        0 => b"PK\x03\x04",
        1 => b"\xEF\xBB\xBF",
        2 => b"\xFF\xFE",
        3 => b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
        _ => b"",
    };
    bytes.splice(0..0, prefix.iter().copied());
    let ext = if rng.one_in(3) { "xlsx" } else { "csv" };
    Input { ext, bytes, how: format!("{len} random bytes after {prefix:?}") }
}

/// Byte-level damage to a fixture.
fn mutate(rng: &mut Rng, seed: &Seed) -> Input {
    let mut bytes = seed.bytes.clone();
    let mut how = format!("{}:", seed.name);
    for _ in 0..1 + rng.below(8) {
        let at = rng.below(bytes.len() + 1);
        match rng.below(8) {
            0 if !bytes.is_empty() => {
                let i = rng.below(bytes.len());
                bytes[i] ^= 1 << rng.below(8);
                let _ = write!(how, " flip@{i}");
            }
            1 if !bytes.is_empty() => {
                let i = rng.below(bytes.len());
                bytes[i] = rng.next() as u8;
                let _ = write!(how, " byte@{i}");
            }
            2 => {
                bytes.truncate(at);
                let _ = write!(how, " cut@{at}");
            }
            3 => {
                let end = (at + rng.below(64)).min(bytes.len());
                bytes.drain(at..end);
                let _ = write!(how, " drop@{at}..{end}");
            }
            4 => {
                let end = (at + rng.below(256)).min(bytes.len());
                let copy = bytes[at..end].to_vec();
                let n = 1 + rng.below(50);
                for _ in 0..n {
                    bytes.splice(end..end, copy.iter().copied());
                }
                let _ = write!(how, " repeat@{at}..{end}x{n}");
            }
            _ => {
                let insert = *rng.pick(INSERTS);
                bytes.splice(at..at, insert.iter().copied());
                let _ = write!(how, " insert@{at}:{insert:?}");
            }
        }
    }
    Input { ext: ext_of(&seed.name), bytes, how }
}

/// How a text fixture was written, to write it back the same way (or another).
#[derive(Debug, Clone, Copy)]
enum Encoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
    Gb18030,
}

fn decode(bytes: &[u8]) -> (String, Encoding) {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return (String::from_utf8_lossy(rest).into_owned(), Encoding::Utf8Bom);
    }
    if bytes.starts_with(b"\xFF\xFE") {
        return (encoding_rs::UTF_16LE.decode_with_bom_removal(bytes).0.into_owned(), Encoding::Utf16Le);
    }
    if bytes.starts_with(b"\xFE\xFF") {
        return (encoding_rs::UTF_16BE.decode_with_bom_removal(bytes).0.into_owned(), Encoding::Utf16Be);
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), Encoding::Utf8),
        Err(_) => (encoding_rs::GB18030.decode_without_bom_handling(bytes).0.into_owned(), Encoding::Gb18030),
    }
}

fn encode(text: &str, encoding: Encoding) -> Vec<u8> {
    match encoding {
        Encoding::Utf8 => text.as_bytes().to_vec(),
        Encoding::Utf8Bom => [&b"\xEF\xBB\xBF"[..], text.as_bytes()].concat(),
        Encoding::Utf16Le => [0xFF, 0xFE].into_iter().chain(text.encode_utf16().flat_map(u16::to_le_bytes)).collect(),
        Encoding::Utf16Be => [0xFE, 0xFF].into_iter().chain(text.encode_utf16().flat_map(u16::to_be_bytes)).collect(),
        Encoding::Gb18030 => encoding_rs::GB18030.encode(text).0.into_owned(),
    }
}

/// A fixture's rows of cells: a workbook's first worksheet, or text split on commas or tabs
/// (quotes are not honoured: the result is only material to damage).
fn rows_of(seed: &Seed) -> (Vec<Vec<String>>, Encoding) {
    if seed.bytes.starts_with(b"PK") {
        use calamine::Reader as _;
        let rows = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(seed.bytes.clone()))
            .ok()
            .and_then(|mut book| {
                let name = book.sheet_names().first()?.clone();
                let range = book.worksheet_range(&name).ok()?;
                Some(range.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect())
            })
            .unwrap_or_default();
        return (rows, Encoding::Utf8);
    }
    let (text, encoding) = decode(&seed.bytes);
    let tab = text.matches('\t').count() > text.matches(',').count();
    let rows =
        text.lines().map(|line| line.split(if tab { '\t' } else { ',' }).map(str::to_string).collect()).collect();
    (rows, encoding)
}

fn nasty(rng: &mut Rng) -> String {
    match rng.below(12) {
        0 => format!("{}{}", rng.pick(NASTY), rng.pick(NASTY)),
        1 => format!("{}\n{}", rng.pick(NASTY), rng.pick(NASTY)),
        _ => rng.pick(NASTY).to_string(),
    }
}

/// Cells of a fixture replaced with nasty values, written back as text (in the fixture's
/// encoding or another) or as a workbook.
fn cells(rng: &mut Rng, seed: &Seed) -> Input {
    let (mut rows, encoding) = rows_of(seed);
    if rows.is_empty() {
        rows.push(vec!["工号".into(), "姓名".into()]);
    }
    let mut how = format!("{}: cells", seed.name);
    for _ in 0..1 + rng.below(6) {
        let r = rng.below(rows.len());
        let row = &mut rows[r];
        let c = rng.below(row.len() + 2);
        let value = nasty(rng);
        let _ = write!(how, " {r},{c}={value:?}");
        if c < row.len() {
            row[c] = value;
        } else {
            row.push(value);
        }
    }
    if rng.one_in(3) {
        return Input { ext: "xlsx", bytes: xlsx(rng, &rows, false), how: how + " as a workbook" };
    }
    let encoding = if rng.one_in(4) {
        *rng.pick(&[Encoding::Utf8, Encoding::Utf8Bom, Encoding::Utf16Le, Encoding::Utf16Be, Encoding::Gb18030])
    } else {
        encoding
    };
    let quote = !rng.one_in(4);
    let text = csv_text(&rows, quote, if rng.one_in(5) { "\r\n" } else { "\n" });
    Input { ext: "csv", bytes: encode(&text, encoding), how: format!("{how} as {encoding:?}, quoted: {quote}") }
}

fn csv_text(rows: &[Vec<String>], quote: bool, eol: &str) -> String {
    let mut text = String::new();
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .map(|c| {
                if quote && c.contains([',', '"', '\n', '\r']) {
                    format!("\"{}\"", c.replace('"', "\"\""))
                } else {
                    c.clone()
                }
            })
            .collect();
        text.push_str(&cells.join(","));
        text.push_str(eol);
    }
    text
}

/// Sheets of a shape no reader expects: megabyte cells, 100,000 columns, deep quotes, rows by
/// the ten thousand.
fn shape(rng: &mut Rng, seed: &Seed) -> Input {
    let (mut rows, _) = rows_of(seed);
    if rows.len() < 2 {
        rows = vec![vec!["工号".into(), "姓名".into()], vec!["0001".into(), "王建国".into()]];
    }
    let header = rows.iter().position(|r| r.iter().any(|c| c.contains("工号") || c.contains("staff"))).unwrap_or(0);
    let data = (header + 1).min(rows.len() - 1);
    let (how, text) = match rng.below(6) {
        0 => {
            let size = (1 << 20) * (1 + rng.below(3));
            let unit = *rng.pick(&["A", "王", "9", "\"", " "]);
            let c = rng.below(rows[data].len().max(1));
            let cell = unit.repeat(size / unit.len());
            if let Some(x) = rows[data].get_mut(c) {
                *x = cell;
            }
            (format!("a cell of {size} bytes of {unit:?} in column {c}"), csv_text(&rows, true, "\n"))
        }
        1 => {
            let extra = 100_000;
            let front = rng.one_in(2);
            let pad = |row: &mut Vec<String>, filler: &str| {
                let more = (0..extra).map(|i| format!("{filler}{i}"));
                if front {
                    row.splice(0..0, more);
                } else {
                    row.extend(more);
                }
            };
            for (i, row) in rows.iter_mut().enumerate() {
                pad(row, if i == header { "列" } else { "" });
            }
            (format!("{extra} more columns, in front: {front}"), csv_text(&rows, true, "\n"))
        }
        2 => {
            let depth = 1000 * (1 + rng.below(100));
            let q = "\"".repeat(depth);
            let c = rng.below(rows[data].len().max(1));
            if let Some(x) = rows[data].get_mut(c) {
                *x = format!("{q}0001{q}");
            }
            (format!("quotes {depth} deep in column {c}, not escaped"), csv_text(&rows, false, "\n"))
        }
        3 => {
            let mut text = csv_text(&rows[..=header], true, "\n");
            text.push('"');
            text.push_str(&csv_text(&rows[data..], true, "\n"));
            ("an unclosed quote at the first data row".to_string(), text)
        }
        4 => {
            let n = 20_000;
            let line = rows[data].clone();
            rows.extend(std::iter::repeat_n(line, n));
            (format!("one data row {n} more times"), csv_text(&rows, true, "\n"))
        }
        _ => {
            let n = 100_000;
            let mut text = csv_text(&rows[..=header], true, "\n");
            text.push_str(&",".repeat(n));
            text.push('\n');
            text.push_str(&"\n".repeat(n));
            text.push_str(&csv_text(&rows[data..], true, "\n"));
            (format!("a row of {n} commas and {n} blank lines"), text)
        }
    };
    Input { ext: "csv", bytes: text.into_bytes(), how: format!("{}: {how}", seed.name) }
}

/// A workbook built by hand from a fixture's rows, its cells typed at random (shared and inline
/// strings, numbers whose text is not a number, date-formatted numbers, booleans, errors,
/// formulas), some placed far off the sheet; then, sometimes, its zip damaged.
fn workbook(rng: &mut Rng, seed: &Seed) -> Input {
    let (mut rows, _) = rows_of(seed);
    for _ in 0..rng.below(4) {
        if rows.is_empty() {
            break;
        }
        let r = rng.below(rows.len());
        let c = rng.below(rows[r].len() + 1);
        let v = nasty(rng);
        if c < rows[r].len() {
            rows[r][c] = v;
        } else {
            rows[r].push(v);
        }
    }
    let mut bytes = xlsx(rng, &rows, false);
    let mut how = format!("{}: a hand-made workbook", seed.name);
    if rng.one_in(3) {
        for _ in 0..1 + rng.below(4) {
            let i = rng.below(bytes.len());
            match rng.below(3) {
                0 => {
                    bytes.truncate(i);
                    let _ = write!(how, ", cut@{i}");
                }
                1 => {
                    bytes[i] ^= 1 << rng.below(8);
                    let _ = write!(how, ", flip@{i}");
                }
                _ => {
                    let end = (i + rng.below(200)).min(bytes.len());
                    bytes[i..end].fill(0);
                    let _ = write!(how, ", zero@{i}..{end}");
                }
            }
        }
    }
    Input { ext: "xlsx", bytes, how }
}

/// `0` → `A`, `27` → `AB`.
fn letters(mut i: usize) -> String {
    let mut s = Vec::new();
    i += 1;
    while i > 0 {
        s.push(b'A' + ((i - 1) % 26) as u8);
        i = (i - 1) / 26;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// An .xlsx of one worksheet, written by hand (stored zip entries) so that its XML can say what
/// no spreadsheet program would write.
fn xlsx(rng: &mut Rng, rows: &[Vec<String>], plain: bool) -> Vec<u8> {
    let mut shared: Vec<String> = Vec::new();
    let mut sheet = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
    );
    let far = !plain && rng.one_in(8);
    for (r, row) in rows.iter().enumerate() {
        let _ = write!(sheet, r#"<row r="{}">"#, r + 1);
        for (c, cell) in row.iter().enumerate() {
            let reference = if far && rng.one_in(20) {
                rng.pick(&["XFD1048576", "A1048576", "XFD1", "ZZZZ1", "A0", "", "AAAAAAAAAA99999999999"]).to_string()
            } else {
                format!("{}{}", letters(c), r + 1)
            };
            let number = cell.trim().parse::<f64>().is_ok();
            // Most cells are plain; a few hold values no spreadsheet program writes, fewer still
            // break the workbook outright (a shared string that is not there, raw markup).
            let xml = match if plain { 99 } else { rng.below(60) } {
                0..=3 => format!(r#"<c r="{reference}"><v>{}</v></c>"#, rng.pick(NASTY_NUMBERS)),
                4..=6 => format!(r#"<c r="{reference}" s="1"><v>{}</v></c>"#, rng.pick(NASTY_NUMBERS)),
                7 | 8 => format!(r#"<c r="{reference}" t="b"><v>{}</v></c>"#, rng.pick(&["1", "0", "2", "x"])),
                9 => format!(r#"<c r="{reference}" t="e"><v>{}</v></c>"#, rng.pick(&["#DIV/0!", "#N/A", "#WHAT?"])),
                10..=12 => format!(r#"<c r="{reference}"><f>1+1</f><v>{}</v></c>"#, rng.pick(NASTY_NUMBERS)),
                13 if rng.one_in(4) => {
                    format!(r#"<c r="{reference}" t="s"><v>{}</v></c>"#, rng.pick(&["99999", "-1", "x", ""]))
                }
                14..=18 => format!(r#"<c r="{reference}" t="inlineStr"><is><t>{}</t></is></c>"#, xml_escape(cell)),
                19 | 20 => format!(r#"<c r="{reference}" t="str"><f>A1&amp;"x"</f><v>{}</v></c>"#, xml_escape(cell)),
                21 if rng.one_in(4) => format!(r#"<c r="{reference}" t="inlineStr"><is><t>{cell}</t></is></c>"#),
                _ if number && !plain => format!(r#"<c r="{reference}"><v>{}</v></c>"#, xml_escape(cell.trim())),
                _ => {
                    shared.push(cell.clone());
                    format!(r#"<c r="{reference}" t="s"><v>{}</v></c>"#, shared.len() - 1)
                }
            };
            sheet.push_str(&xml);
        }
        sheet.push_str("</row>");
    }
    sheet.push_str("</sheetData></worksheet>");
    let mut strings = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{0}" uniqueCount="{0}">"#,
        shared.len()
    );
    for s in &shared {
        let _ = write!(strings, r#"<si><t xml:space="preserve">{}</t></si>"#, xml_escape(s));
    }
    strings.push_str("</sst>");
    let name = if !plain && rng.one_in(10) { xml_escape(&nasty(rng)) } else { "Sheet1".to_string() };
    let entries: Vec<(&str, String)> = vec![
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>"#.to_string(),
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_string(),
        ),
        (
            "xl/workbook.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>"#
            ),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#.to_string(),
        ),
        (
            "xl/styles.xml",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font/></fonts><fills count="1"><fill/></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>"#.to_string(),
        ),
        ("xl/sharedStrings.xml", strings),
        ("xl/worksheets/sheet1.xml", sheet),
    ];
    zip_stored(&entries)
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// A zip archive of uncompressed entries.
fn zip_stored(entries: &[(&str, String)]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in entries {
        let (name, data) = (name.as_bytes(), data.as_bytes());
        let crc = crc32(data);
        let offset = out.len() as u32;
        let size = data.len() as u32;
        let common = |v: &mut Vec<u8>| {
            v.extend_from_slice(&20u16.to_le_bytes()); // version needed
            v.extend_from_slice(&0u16.to_le_bytes()); // flags
            v.extend_from_slice(&0u16.to_le_bytes()); // stored
            v.extend_from_slice(&0u32.to_le_bytes()); // time and date
            v.extend_from_slice(&crc.to_le_bytes());
            v.extend_from_slice(&size.to_le_bytes());
            v.extend_from_slice(&size.to_le_bytes());
            v.extend_from_slice(&(name.len() as u16).to_le_bytes());
            v.extend_from_slice(&0u16.to_le_bytes()); // extra
        };
        out.extend_from_slice(b"PK\x03\x04");
        common(&mut out);
        out.extend_from_slice(name);
        out.extend_from_slice(data);
        central.extend_from_slice(b"PK\x01\x02");
        central.extend_from_slice(&20u16.to_le_bytes()); // version made by
        common(&mut central);
        central.extend_from_slice(&[0; 6]); // comment length, disk, internal attributes
        central.extend_from_slice(&0u32.to_le_bytes()); // external attributes
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name);
    }
    let start = out.len() as u32;
    let count = entries.len() as u16;
    out.extend_from_slice(&central);
    out.extend_from_slice(b"PK\x05\x06");
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&start.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

#[test]
fn a_hand_made_workbook_reads_back() {
    use calamine::Reader as _;
    let rows = vec![vec!["工号".to_string(), "姓名".to_string()], vec!["0001".to_string(), "王 & <伟>".to_string()]];
    let bytes = xlsx(&mut Rng::new(7), &rows, true);
    let mut book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).expect("a workbook");
    let name = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&name).expect("its worksheet");
    let read: Vec<Vec<String>> = range.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
    assert_eq!(read, rows);
}
