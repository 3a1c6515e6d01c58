use std::process::Command;

/// The repository is itself a site: its sample content must always check clean.
#[test]
fn the_sample_site_checks_without_problems() {
    let output = Command::new(env!("CARGO_BIN_EXE_casebook"))
        .args(["check", "--root", env!("CARGO_MANIFEST_DIR")])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert_eq!(stderr, "no problems found\n");
}
