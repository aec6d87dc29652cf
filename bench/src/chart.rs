//! The latency-against-offered-load chart, drawn as a plain SVG: one polyline per series, a
//! logarithmic latency axis (saturation makes latency grow by orders of magnitude).

use std::fmt::Write;

pub struct Series {
    pub label: String,
    pub colour: &'static str,
    pub dashed: bool,
    /// (offered requests per second, latency in ms)
    pub points: Vec<(f64, f64)>,
}

const W: f64 = 760.0;
const H: f64 = 420.0;
const LEFT: f64 = 70.0;
const RIGHT: f64 = 220.0;
const TOP: f64 = 30.0;
const BOTTOM: f64 = 50.0;

pub fn svg(title: &str, series: &[Series]) -> String {
    let all = series.iter().flat_map(|s| s.points.iter());
    let max_x = all.clone().map(|p| p.0).fold(1.0, f64::max) * 1.05;
    let min_ms = all.clone().map(|p| p.1).fold(f64::MAX, f64::min).max(0.01);
    let max_ms = all.map(|p| p.1).fold(0.1, f64::max);
    let (lo, hi) = (
        min_ms.log10().floor(),
        max_ms.log10().ceil().max(min_ms.log10().floor() + 1.0),
    );
    let (pw, ph) = (W - LEFT - RIGHT, H - TOP - BOTTOM);
    let x = |v: f64| LEFT + v / max_x * pw;
    let y = |ms: f64| TOP + ph - (ms.max(0.01).log10() - lo) / (hi - lo) * ph;
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="12">"#
    );
    let _ = write!(out, r#"<rect width="{W}" height="{H}" fill="white"/>"#);
    let _ = write!(
        out,
        r#"<text x="{LEFT}" y="18" font-size="14">{}</text>"#,
        escape(title)
    );
    // Axes, latency decades, load ticks.
    let _ = write!(
        out,
        r#"<path d="M{LEFT},{TOP} V{} H{}" stroke="black" fill="none"/>"#,
        TOP + ph,
        LEFT + pw
    );
    let mut decade = lo;
    while decade <= hi {
        let ms = 10f64.powf(decade);
        let yy = y(ms);
        let _ = write!(
            out,
            r##"<line x1="{LEFT}" x2="{}" y1="{yy:.1}" y2="{yy:.1}" stroke="#ddd"/>"##,
            LEFT + pw
        );
        let _ = write!(
            out,
            r#"<text x="{}" y="{:.1}" text-anchor="end">{} ms</text>"#,
            LEFT - 6.0,
            yy + 4.0,
            fmt_ms(ms)
        );
        decade += 1.0;
    }
    for i in 0..=5 {
        let v = max_x / 5.0 * i as f64;
        let _ = write!(
            out,
            r#"<text x="{:.1}" y="{}" text-anchor="middle">{:.0}</text>"#,
            x(v),
            TOP + ph + 18.0,
            v
        );
    }
    let _ = write!(
        out,
        r#"<text x="{:.1}" y="{}" text-anchor="middle">offered load (requests/s)</text>"#,
        LEFT + pw / 2.0,
        H - 8.0
    );
    for (n, s) in series.iter().enumerate() {
        let points: Vec<String> = s
            .points
            .iter()
            .map(|&(v, ms)| format!("{:.1},{:.1}", x(v), y(ms)))
            .collect();
        let dash = if s.dashed {
            r#" stroke-dasharray="6,4""#
        } else {
            ""
        };
        let _ = write!(
            out,
            r#"<polyline points="{}" fill="none" stroke="{}" stroke-width="2"{dash}/>"#,
            points.join(" "),
            s.colour
        );
        for &(v, ms) in &s.points {
            let _ = write!(
                out,
                r#"<circle cx="{:.1}" cy="{:.1}" r="3" fill="{}"/>"#,
                x(v),
                y(ms),
                s.colour
            );
        }
        let ly = TOP + 10.0 + n as f64 * 20.0;
        let lx = LEFT + pw + 15.0;
        let _ = write!(
            out,
            r#"<line x1="{lx}" x2="{}" y1="{ly}" y2="{ly}" stroke="{}" stroke-width="2"{dash}/>"#,
            lx + 25.0,
            s.colour
        );
        let _ = write!(
            out,
            r#"<text x="{}" y="{}">{}</text>"#,
            lx + 30.0,
            ly + 4.0,
            escape(&s.label)
        );
    }
    out.push_str("</svg>\n");
    out
}

fn fmt_ms(ms: f64) -> String {
    if ms < 1.0 {
        format!("{ms}")
    } else {
        format!("{ms:.0}")
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
