//! The bench tool works: a tiny run of every scenario against an in-process server writes a
//! report with each section. It checks the tool, not the numbers (those belong in
//! docs/BENCHMARKS.md, from a real run of the release binary).
//!
//! On SQLite always; on PostgreSQL too when `LIVECHAT_TEST_DATABASE_URL` names a server (the
//! run creates and drops databases of its own there).

use std::process::Command;

#[test]
fn a_tiny_run_writes_the_report_and_the_chart() {
    let out = tempfile::tempdir().expect("temporary directory");
    let mut backends = "sqlite".to_string();
    let mut bench = Command::new(env!("CARGO_BIN_EXE_livechat-bench"));
    if let Ok(url) = std::env::var("LIVECHAT_TEST_DATABASE_URL") {
        backends.push_str(",postgres");
        bench.args(["--postgres-url", &url]);
    }
    let status = bench
        .args([
            "--profile",
            "smoke",
            "--in-process",
            "--quiet",
            "--backends",
            &backends,
        ])
        .arg("--out")
        .arg(out.path())
        .status()
        .expect("livechat-bench runs");
    assert!(status.success(), "livechat-bench failed: {status}");

    let report = std::fs::read_to_string(out.path().join("BENCHMARKS.md")).expect("the report");
    for section in [
        "## Targets",
        "## Ceilings of this machine",
        "### 1. Visitor chat flow",
        "### 2. Message write path",
        "### 3. Realtime fan-out",
        "### 4. Routing",
        "## How it is measured",
    ] {
        assert!(
            report.contains(section),
            "no {section:?} in the report:\n{report}"
        );
    }
    assert!(!report.contains("## Scenarios that failed"), "{report}");
    let chart =
        std::fs::read_to_string(out.path().join("benchmarks-latency.svg")).expect("the chart");
    assert!(
        chart.starts_with("<svg") && chart.contains("<polyline"),
        "{chart}"
    );
    let raw: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("benchmarks.json")).unwrap())
            .expect("raw results are JSON");
    assert!(
        raw["http_ceiling"]["saturation"]["achieved"]
            .as_f64()
            .unwrap()
            > 0.0
    );
}
