//! The `carechat migrate-legacy` command as an operator runs it: exit status, summary, report
//! file, and `--verify` failing on a difference.

use std::process::{Command, Output};

use serde_json::Value;

use crate::fixtures::Legacy;

fn carechat(store: &str, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_carechat"));
    command.current_dir(env!("CARGO_MANIFEST_DIR")).arg("migrate-legacy").args(args).env("RUST_LOG", "warn");
    for name in ["IDENTITY", "TRACK1", "TRACK2", "TRACK3", "ANALYTICS"] {
        command.env(format!("CARECHAT_STORAGE__{name}"), store);
    }
    command.output().expect("running carechat")
}

#[tokio::test]
async fn the_command_migrates_reports_and_verifies() {
    let Some(legacy) = Legacy::build().await else { return };
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite://{}", dir.path().join("unified.db").display());
    let report = dir.path().join("report.json");
    let (track1, track2) = legacy.urls();
    let base = ["--track1", track1.as_str(), "--track2", track2.as_str(), "--country-code", "250"];

    let run = carechat(&store, &[&base[..], &["--batch-size", "10", "--conflicts", report.to_str().unwrap()]].concat());
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let summary = String::from_utf8_lossy(&run.stdout);
    assert!(summary.contains("messages: read 64 migrated 62"), "{summary}");
    let json: Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!(json["tables"]["users"]["merged"], 2);
    assert!(json["findings"].as_array().unwrap().iter().any(|f| f["reason"] == "phone_conflict"));

    let verify = carechat(&store, &[&base[..], &["--verify"]].concat());
    assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stderr));

    legacy.tamper().await;
    let verify = carechat(&store, &[&base[..], &["--verify"]].concat());
    assert!(!verify.status.success(), "a changed legacy row must fail verification");
    assert!(String::from_utf8_lossy(&verify.stderr).contains("verification found differences"));
}
