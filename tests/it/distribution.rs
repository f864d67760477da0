//! The data repository's CI, run as the CI would run it, on `examples/depot-bilans`: the
//! GitHub action's steps (`ci/action/*.sh`, with the variables a runner sets) and the GitLab
//! job's script (`ci/spro.gitlab-ci.yml`), against the `spro` just built. A clean batch
//! passes and gives the regional workbook; a batch with an error fails with annotations.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common::*;
use serde_json::Value;

/// A copy of the example repository, optionally with one more 2025 file.
fn repository(extra: Option<&Path>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&root().join("examples/depot-bilans"), dir.path());
    if let Some(file) = extra {
        std::fs::copy(
            file,
            dir.path()
                .join("bilans/2025")
                .join(file.file_name().unwrap()),
        )
        .unwrap();
    }
    dir
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The PATH with the `spro` under test first.
fn path_with_spro() -> String {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_spro"));
    format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

/// What a runner gives a step: its files (summary, outputs) and its variables.
struct Runner {
    dir: tempfile::TempDir,
}

impl Runner {
    fn new() -> Runner {
        Runner {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn summary(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("summary.md")).unwrap_or_default()
    }

    fn outputs(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("output")).unwrap_or_default()
    }

    fn step(&self, repo: &Path, script: &str, reference: &str) -> Output {
        Command::new("bash")
            .arg(root().join("ci/action").join(script))
            .current_dir(repo)
            .env("PATH", path_with_spro())
            .env("GITHUB_STEP_SUMMARY", self.dir.path().join("summary.md"))
            .env("GITHUB_OUTPUT", self.dir.path().join("output"))
            .env("GITHUB_PATH", self.dir.path().join("path"))
            .env("GITHUB_REF", reference)
            .env("GITHUB_EVENT_NAME", "push")
            .env("RUNNER_TEMP", self.dir.path())
            .env("SPRO_SOURCE", root())
            .env("SPRO_DEPOT", "")
            .env("SPRO_CHEMINS", "bilans/2025/")
            .env("SPRO_ANNEE", "")
            .env("SPRO_PRECEDENT", "")
            .env("SPRO_CONFIG", "")
            .env("SPRO_STRICT", "false")
            .env("SPRO_CONSOLIDER", "auto")
            .env("SPRO_BRANCHE_PAR_DEFAUT", "main")
            .output()
            .unwrap()
    }
}

fn text(o: &Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn the_github_action_passes_a_clean_batch_and_gives_the_workbook() {
    let repo = repository(None);
    let runner = Runner::new();
    // spro is already on the PATH at the action's version: nothing is downloaded or built.
    let got = runner.step(repo.path(), "obtenir.sh", "refs/heads/main");
    assert!(got.status.success(), "{}", text(&got));
    assert!(text(&got).contains("déjà installé"), "{}", text(&got));

    let check = runner.step(repo.path(), "verifier.sh", "refs/heads/main");
    assert_eq!(check.status.code(), Some(0), "{}", text(&check));
    let stdout = String::from_utf8_lossy(&check.stdout);
    assert!(!stdout.contains("::error"), "{stdout}");
    assert!(stdout.contains("::warning file=bilans/2025/"), "{stdout}");
    let summary = runner.summary();
    assert!(
        summary.contains("| Fichier | Réseau | Statut | Erreurs | Avertissements |"),
        "{summary}"
    );
    assert!(
        summary.contains("| bilans/2025/36-CHX.xlsx | 36-CHX | ✅ Conforme | 0 | 0 |"),
        "{summary}"
    );
    let sarif_path = runner
        .outputs()
        .lines()
        .find_map(|l| l.strip_prefix("sarif=").map(PathBuf::from))
        .expect("the sarif output");
    let sarif: Value = serde_json::from_slice(&std::fs::read(sarif_path).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");

    let consolidate = runner.step(repo.path(), "consolider.sh", "refs/heads/main");
    assert_eq!(consolidate.status.code(), Some(0), "{}", text(&consolidate));
    assert!(
        runner
            .outputs()
            .contains("classeur=reports/bilan-regional-2025.xlsx"),
        "{}",
        runner.outputs()
    );
    assert!(
        runner
            .outputs()
            .contains("synthese=reports/synthese-regionale-2025.pdf"),
        "{}",
        runner.outputs()
    );
    let workbook = repo.path().join("reports/bilan-regional-2025.xlsx");
    let wb: calamine::Xlsx<_> = calamine::open_workbook(&workbook).unwrap();
    assert!(calamine::Reader::sheet_names(&wb).contains(&"Évolution".to_string()));
    let synthesis = std::fs::read(repo.path().join("reports/synthese-regionale-2025.pdf")).unwrap();
    assert!(synthesis.starts_with(b"%PDF-"));
    assert!(
        runner
            .outputs()
            .contains("donnees=reports/donnees-ouvertes-2025"),
        "{}",
        runner.outputs()
    );
    assert!(repo
        .path()
        .join("reports/donnees-ouvertes-2025/datapackage.json")
        .is_file());
}

#[test]
fn the_github_action_fails_a_batch_with_an_error_and_consolidates_only_the_default_branch() {
    let repo = repository(Some(&root().join("fixtures/cas/C005-logo-manquant.xlsx")));
    let runner = Runner::new();
    let check = runner.step(repo.path(), "verifier.sh", "refs/pull/7/merge");
    assert_eq!(check.status.code(), Some(1), "{}", text(&check));
    let stdout = String::from_utf8_lossy(&check.stdout);
    assert!(
        stdout.contains("::error file=bilans/2025/C005-logo-manquant.xlsx,title=C005 logo-manquant::Actions!P3 : "),
        "{stdout}"
    );
    let summary = runner.summary();
    assert!(
        summary
            .contains("| bilans/2025/C005-logo-manquant.xlsx | 36-CHX | ❌ Non conforme | 4 | 0 |"),
        "{summary}"
    );
    assert!(
        summary.contains("| Actions!P3 | ❌ C005 logo-manquant |"),
        "{summary}"
    );
    // A pull request: no regional workbook.
    let consolidate = runner.step(repo.path(), "consolider.sh", "refs/pull/7/merge");
    assert_eq!(consolidate.status.code(), Some(0), "{}", text(&consolidate));
    assert!(!runner.outputs().contains("classeur="));
    assert!(!repo.path().join("reports").exists());
}

/// The script lines of a job of `ci/spro.gitlab-ci.yml`, the `.spro` template's download
/// left out (spro is on the PATH here).
fn gitlab_script(job: &str) -> String {
    let yaml = std::fs::read_to_string(root().join("ci/spro.gitlab-ci.yml")).unwrap();
    let start = yaml.find(&format!("\n{job}:\n")).expect("the job");
    let body = &yaml[start + job.len() + 3..];
    let script = body.find("  script:\n").expect("its script");
    body[script + "  script:\n".len()..]
        .lines()
        .take_while(|l| l.starts_with("    - "))
        .map(|l| l.trim_start_matches("    - "))
        .collect::<Vec<_>>()
        .join("\n")
}

fn gitlab_job(repo: &Path, job: &str) -> Output {
    Command::new("bash")
        .args(["-e", "-c", &gitlab_script(job)])
        .current_dir(repo)
        .env("PATH", path_with_spro())
        .env("SPRO_CHEMINS", "bilans/2025/")
        .env("SPRO_ANNEE", "2025")
        .env("SPRO_PRECEDENT", "bilans/2024/")
        .output()
        .unwrap()
}

#[test]
fn the_gitlab_job_writes_junit_and_code_quality() {
    let clean = repository(None);
    let o = gitlab_job(clean.path(), "spro:verifier");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let quality: Value =
        serde_json::from_slice(&std::fs::read(clean.path().join("spro-qualite.json")).unwrap())
            .unwrap();
    assert!(quality
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["severity"] != "blocker"));
    let junit = std::fs::read_to_string(clean.path().join("spro-junit.xml")).unwrap();
    let mut reader = quick_xml::Reader::from_str(&junit);
    while !matches!(
        reader.read_event().expect("JUnit is well-formed XML"),
        quick_xml::events::Event::Eof
    ) {}
    assert!(junit.contains("<testsuites"));
    assert!(
        std::fs::read_to_string(clean.path().join("spro-rapport.md"))
            .unwrap()
            .contains("✅")
    );

    let wrong = repository(Some(&root().join("fixtures/cas/C005-logo-manquant.xlsx")));
    let o = gitlab_job(wrong.path(), "spro:verifier");
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let quality: Value =
        serde_json::from_slice(&std::fs::read(wrong.path().join("spro-qualite.json")).unwrap())
            .unwrap();
    assert!(quality
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["check_name"] == "C005"
            && i["location"]["path"] == "bilans/2025/C005-logo-manquant.xlsx"));
    assert!(std::fs::read_to_string(wrong.path().join("spro-junit.xml"))
        .unwrap()
        .contains("<failure"));

    let o = gitlab_job(clean.path(), "spro:consolider");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(clean
        .path()
        .join("reports/bilan-regional-2025.xlsx")
        .is_file());
    assert!(clean
        .path()
        .join("reports/synthese-regionale-2025.pdf")
        .is_file());
    assert!(clean
        .path()
        .join("reports/donnees-ouvertes-2025/reseaux.csv")
        .is_file());
}
