//! The `carechat migrate-legacy` command as an operator runs it: exit status, summary, report
//! file, and `--verify` failing on a difference.

use std::process::{Command, Output};

use carechat::{
    legacy::Targets,
    storage::{Backend, PoolSettings},
};
use serde_json::{json, Value};

use crate::{extra, fixtures::Legacy};

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

    let checked = dir.path().join("verify.json");
    let verify_args = [&base[..], &["--verify", "--conflicts", checked.to_str().unwrap()]].concat();
    let verify = carechat(&store, &verify_args);
    assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stderr));
    assert!(String::from_utf8_lossy(&verify.stdout).contains("target messages: expected 62 found 62"));
    let json: Value = serde_json::from_slice(&std::fs::read(&checked).unwrap()).unwrap();
    assert_eq!(json["collections"]["messages"], json!({"expected": 62, "found": 62}));

    // A message added to a migrated conversation: no record check reads it, the count does.
    let pool = PoolSettings { max_connections: 2, acquire_timeout: std::time::Duration::from_secs(10) };
    let backend = Backend::connect(&store, pool).await.unwrap();
    extra::extra_message(&Targets::from_backend(&backend)).await;
    let verify = carechat(&store, &verify_args);
    assert!(!verify.status.success(), "an extra message must fail verification");
    assert!(String::from_utf8_lossy(&verify.stderr).contains("verification found differences"));
    assert!(String::from_utf8_lossy(&verify.stdout).contains("target messages: expected 62 found 63 DIFFERS"));
    let json: Value = serde_json::from_slice(&std::fs::read(&checked).unwrap()).unwrap();
    assert!(json["findings"].as_array().unwrap().iter().all(|f| f["reason"] != "mismatch"));

    legacy.tamper().await;
    let verify = carechat(&store, &verify_args);
    assert!(!verify.status.success(), "a changed legacy row must fail verification");
    assert!(String::from_utf8_lossy(&verify.stderr).contains("verification found differences"));
    let json: Value = serde_json::from_slice(&std::fs::read(&checked).unwrap()).unwrap();
    assert!(json["findings"].as_array().unwrap().iter().any(|f| f["reason"] == "mismatch"), "{json:#}");
}
