//! What every HTML page `retain` writes shares: escaping, Japanese text marked for the
//! browser, the page's head and style, and the inline SVG line chart. Pages are
//! self-contained: no external reference.

use std::fmt::Write as _;

pub fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Text from the data, marked `lang="ja"` when it is Japanese so that a browser picks a
/// Japanese font and line breaking for it (the page itself is English).
pub fn text(text: &str) -> String {
    if crate::text::is_japanese(text) {
        format!("<span lang=\"ja\">{}</span>", esc(text))
    } else {
        esc(text)
    }
}

pub fn band_color(band: &str) -> &'static str {
    match band {
        "green" => "#2e7d32",
        "yellow" => "#f9a825",
        "red" => "#c62828",
        _ => "#9e9e9e",
    }
}

/// The document up to the opened body: charset, title, and a style with fonts for Japanese.
pub fn page_start(title: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title>\
         <style>body{{font-family:system-ui,-apple-system,\"Segoe UI\",\"Hiragino Sans\",\
         \"Hiragino Kaku Gothic ProN\",\"Noto Sans CJK JP\",\"Noto Sans JP\",\"Yu Gothic\",Meiryo,\
         sans-serif;margin:2em;max-width:1100px}}table{{border-collapse:collapse;margin:.5em 0}}\
         td,th{{border:1px solid #ddd;padding:4px 8px;text-align:left}}td.n{{text-align:right}}\
         h3{{margin-top:1.5em}}</style></head><body>",
        esc(title)
    )
}

/// A line chart of values over labelled points (weeks): a 0–`top` axis, each value over its
/// point, every other label under the axis so that they never overlap. Missing values leave
/// the point out.
pub fn line_chart(points: &[(String, Option<f64>)], top: f64, aria_label: &str) -> String {
    let (width, height) = (560.0, 180.0);
    let (left, right, margin_top, bottom) = (44.0, 28.0, 20.0, 36.0);
    let top = if top > 0.0 { top } else { 1.0 };
    let plot_h = height - margin_top - bottom;
    let step = if points.len() > 1 {
        (width - left - right) / (points.len() - 1) as f64
    } else {
        0.0
    };
    let x = |i: usize| left + i as f64 * step;
    let y = |v: f64| margin_top + (top - v) / top * plot_h;
    let mut svg = format!(
        "<svg width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"{}\" font-size=\"11\">",
        esc(aria_label)
    );
    let _ = write!(
        svg,
        "<rect x=\"0\" y=\"0\" width=\"{width}\" height=\"{height}\" fill=\"#fafafa\"/>"
    );
    for tick in [0.0, top / 2.0, top] {
        let _ = write!(
            svg,
            "<line x1=\"{left}\" x2=\"{:.1}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"#ddd\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#555\">{}</text>",
            width - right,
            y(tick),
            y(tick),
            left - 6.0,
            y(tick) + 4.0,
            crate::format::format_value(tick)
        );
    }
    let shown: Vec<(usize, f64)> = points
        .iter()
        .enumerate()
        .filter_map(|(i, (_, v))| Some((i, (*v)?)))
        .collect();
    let coords: Vec<String> = shown
        .iter()
        .map(|&(i, v)| format!("{:.1},{:.1}", x(i), y(v)))
        .collect();
    let _ = write!(
        svg,
        "<polyline fill=\"none\" stroke=\"#1565c0\" stroke-width=\"2\" points=\"{}\"/>",
        coords.join(" ")
    );
    for &(i, v) in &shown {
        let _ = write!(
            svg,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"#1565c0\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#1565c0\">{v:.0}</text>",
            x(i),
            y(v),
            x(i),
            y(v) - 7.0
        );
    }
    for (i, (label, _)) in points.iter().enumerate() {
        if i % 2 == points.len().saturating_sub(1) % 2 {
            let _ = write!(
                svg,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#555\">{}</text>",
                x(i),
                height - bottom + 16.0,
                esc(label)
            );
        }
    }
    svg.push_str("</svg>");
    svg
}
