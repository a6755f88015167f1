//! HTML output: one self-contained printable page (no scripts, no fetches), tables and, where a
//! report gives one, a bar chart drawn as inline SVG; its own print stylesheet.

use super::render::{Cell, Document};
use crate::Lang;

pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_escaped(&mut out, s);
    out
}

/// Appends `s` to `out`, escaped as `escape` does.
fn push_escaped(out: &mut String, s: &str) {
    if !s.contains(['&', '<', '>', '"', '\'']) {
        out.push_str(s);
        return;
    }
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// Screen and print. Cells never wrap (a name or a staff id broken over two lines is misread);
/// only long texts (`w`: titles, details) may. Printed: landscape A4, the header row on every
/// page, no row split across pages.
const STYLE: &str =
    "body{font-family:'Noto Sans CJK SC','Microsoft YaHei','PingFang SC',sans-serif;margin:2em;color:#222}\
h1{font-size:1.5em;border-bottom:3px solid #c00;padding-bottom:.3em}h2{font-size:1.15em;margin-top:1.5em}\
table{border-collapse:collapse;margin:.5em 0 1em}th,td{border:1px solid #999;padding:.25em .6em}\
td{white-space:nowrap}td.w{white-space:normal;overflow-wrap:anywhere;min-width:12em}\
th{background:#f3e5e5}td.n{text-align:right;font-variant-numeric:tabular-nums}\
.chart{display:block;margin:.5em 0 1em}.foot{margin-top:2em;color:#555}\
@page{size:A4 landscape;margin:10mm}\
@media print{body{margin:0;font-size:9pt}h1{font-size:14pt}h2{font-size:11pt;break-after:avoid}\
th,td{padding:.15em .35em}th{-webkit-print-color-adjust:exact;print-color-adjust:exact}\
thead{display:table-header-group}tr,.chart{break-inside:avoid}}";

/// Texts longer than this many characters may wrap in a cell; shorter ones (names, staff ids,
/// codes, words, most titles) never do.
const LONG_TEXT: usize = 20;

/// A bar chart as inline SVG: one bar per label, values as ratios 0..1 (completion, say).
pub fn bar_chart(title: &str, bars: &[(String, f64)]) -> String {
    let (bar_h, gap, label_w, chart_w) = (22.0, 8.0, 150.0, 360.0);
    let h = bars.len() as f64 * (bar_h + gap) + 12.0;
    let mut svg = format!(
        "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{h}\" role=\"img\" aria-label=\"{}\">",
        label_w + chart_w + 70.0,
        escape(title)
    );
    for (i, (label, value)) in bars.iter().enumerate() {
        let y = 10.0 + i as f64 * (bar_h + gap);
        let w = (value.clamp(0.0, 1.0) * chart_w).max(1.0);
        svg.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"13\">{}</text>\
             <rect x=\"{label_w}\" y=\"{y}\" width=\"{chart_w}\" height=\"{bar_h}\" fill=\"#eee\"/>\
             <rect x=\"{label_w}\" y=\"{y}\" width=\"{w:.1}\" height=\"{bar_h}\" fill=\"#c0392b\"/>\
             <text x=\"{}\" y=\"{}\" font-size=\"13\">{:.1}%</text>",
            label_w - 6.0,
            y + bar_h * 0.7,
            escape(label),
            label_w + chart_w + 6.0,
            y + bar_h * 0.7,
            value * 100.0
        ));
    }
    svg.push_str("</svg>");
    svg
}

pub fn page(doc: &Document, lang: Lang) -> String {
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title><style>{STYLE}</style></head><body>\n<h1>{}</h1>\n",
        lang.pick("en", "zh-CN"),
        escape(&doc.title),
        escape(&doc.title)
    );
    for line in &doc.lines {
        out.push_str(&format!("<p>{}</p>\n", escape(line)));
    }
    if let Some((title, bars)) = &doc.chart {
        if !bars.is_empty() {
            out.push_str(&format!("<h2>{}</h2>\n", escape(title)));
            out.push_str(&bar_chart(title, bars));
            out.push('\n');
        }
    }
    for table in &doc.tables {
        if !table.title.is_empty() {
            out.push_str(&format!("<h2>{}</h2>\n", escape(&table.title)));
        }
        if table.rows.is_empty() {
            out.push_str(&format!("<p>{}</p>\n", lang.pick("(none)", "（无）")));
            continue;
        }
        out.push_str("<table><thead><tr>");
        for c in &table.columns {
            out.push_str(&format!("<th>{}</th>", escape(c)));
        }
        out.push_str("</tr></thead><tbody>\n");
        let mut scratch = String::new();
        for row in &table.rows {
            out.push_str("<tr>");
            for cell in row {
                let class = match cell {
                    Cell::Int(_) | Cell::Hours(_) | Cell::Ratio(_) => " class=\"n\"",
                    Cell::Text(s) if s.len() > LONG_TEXT && s.chars().count() > LONG_TEXT => " class=\"w\"",
                    _ => "",
                };
                out.push_str("<td");
                out.push_str(class);
                out.push('>');
                match cell {
                    Cell::Text(s) => push_escaped(&mut out, s),
                    cell => {
                        scratch.clear();
                        cell.write(&mut scratch, lang);
                        push_escaped(&mut out, &scratch);
                    }
                }
                out.push_str("</td>");
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody></table>\n");
    }
    for line in &doc.footer {
        out.push_str(&format!("<p class=\"foot\">{}</p>\n", escape(line)));
    }
    out.push_str("</body></html>\n");
    out
}
