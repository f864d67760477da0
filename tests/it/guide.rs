//! The guide (`docs/`, an mdBook) and the README, read as their readers would: the book builds
//! (mdBook, installed by `./test.sh`), every link and picture leads somewhere, every page is in
//! the summary, and every `spro` command shown in a `sh` block runs as written, on the
//! fixtures, with the exit code its comment names (`# code 1 …`; none: 0). The docs cannot
//! drift from the tool.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::root;

/// The README and every Markdown file of the guide.
fn documents() -> Vec<PathBuf> {
    let mut out = vec![root().join("README.md")];
    let mut stack = vec![root().join("docs")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The links of a Markdown text outside its code: (is a picture, text, target).
fn links(text: &str) -> Vec<(bool, String, String)> {
    let mut out = Vec::new();
    let mut in_code = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            continue;
        }
        let mut rest = line;
        while let Some(open) = rest.find("](") {
            let before = &rest[..open];
            let start = before.rfind('[').unwrap_or(0);
            let picture = start > 0 && before[..start].ends_with('!');
            let label = before[start..].trim_start_matches('[').to_string();
            let after = &rest[open + 2..];
            let Some(close) = after.find(')') else { break };
            out.push((picture, label, after[..close].to_string()));
            rest = &after[close + 1..];
        }
    }
    out
}

/// mdBook's anchor of a heading (its `normalize_id`): letters, digits, `-` and `_` kept, ASCII
/// lowercased, white space to `-`, the rest dropped.
fn anchor(heading: &str) -> String {
    heading
        .trim()
        .chars()
        .filter_map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                Some(c.to_ascii_lowercase())
            } else if c.is_whitespace() {
                Some('-')
            } else {
                None
            }
        })
        .collect()
}

fn anchors(text: &str) -> BTreeSet<String> {
    text.lines()
        .filter(|l| l.starts_with('#'))
        .map(|l| anchor(l.trim_start_matches('#')))
        .collect()
}

/// The book builds with mdBook; every link of the README and the guide leads to a file that
/// exists (and, with `#…`, to one of its headings); every picture exists and says what it shows;
/// every page is in the summary; every picture of `docs/images/` is shown somewhere.
#[test]
fn the_guide_builds_and_its_links_hold() {
    // Into `target/guide` (book.toml), where the README says to open it.
    let built = Command::new("mdbook")
        .args(["build", "docs"])
        .current_dir(root())
        .output()
        .expect("mdbook (./test.sh installs it)");
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let book = root().join("target/guide");
    let summary = std::fs::read_to_string(root().join("docs/SUMMARY.md")).unwrap();
    let listed: BTreeSet<String> = links(&summary).into_iter().map(|l| l.2).collect();
    let mut shown = BTreeSet::new();
    let mut problems = Vec::new();
    for doc in documents() {
        let text = std::fs::read_to_string(&doc).unwrap();
        let dir = doc.parent().unwrap();
        let name = doc.strip_prefix(root()).unwrap().display().to_string();
        if let Ok(in_book) = doc.strip_prefix(root().join("docs")) {
            let in_book = in_book.display().to_string();
            if in_book != "SUMMARY.md" && !listed.contains(&in_book) {
                problems.push(format!("{name}: not in docs/SUMMARY.md"));
            } else if in_book != "SUMMARY.md" {
                let html = book.join(in_book.replace(".md", ".html"));
                if !html.exists() {
                    problems.push(format!("{name}: not built ({})", html.display()));
                }
            }
        }
        for (picture, label, target) in links(&text) {
            if target.starts_with("http://")
                || target.starts_with("https://")
                || target.starts_with("mailto:")
            {
                continue;
            }
            let (path, fragment) = target.split_once('#').unwrap_or((&target, ""));
            let file = if path.is_empty() {
                doc.clone()
            } else {
                dir.join(path)
            };
            if !file.exists() {
                problems.push(format!("{name}: « {target} » leads nowhere"));
                continue;
            }
            if picture {
                if label.chars().count() < 20 {
                    problems.push(format!(
                        "{name}: the picture « {target} » says too little: « {label} »"
                    ));
                }
                shown.insert(file.canonicalize().unwrap());
            }
            if !fragment.is_empty() && file.extension().is_some_and(|e| e == "md") {
                let headings = anchors(&std::fs::read_to_string(&file).unwrap());
                if !headings.contains(fragment) {
                    problems.push(format!("{name}: « {target} »: no such heading"));
                }
            }
        }
    }
    let images: Vec<PathBuf> = std::fs::read_dir(root().join("docs/images"))
        .unwrap()
        .map(|e| e.unwrap().path().canonicalize().unwrap())
        .collect();
    assert!(images.len() >= 10, "{} pictures", images.len());
    for image in &images {
        if !shown.contains(image) {
            problems.push(format!("{}: shown nowhere", image.display()));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A command of a document: the line as written, its arguments, the exit code it implies.
#[derive(Debug)]
struct Shown {
    line: String,
    args: Vec<String>,
    code: i32,
}

/// The `spro` commands of the `sh` blocks of `text`, in order (a line ending in `\` goes on).
fn commands(text: &str) -> Vec<Shown> {
    let mut out = Vec::new();
    let mut in_sh = false;
    let mut pending = String::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("```") {
            in_sh = !in_sh && trimmed == "```sh";
            continue;
        }
        if !in_sh {
            continue;
        }
        if let Some(head) = trimmed.strip_suffix('\\') {
            pending.push_str(head);
            pending.push(' ');
            continue;
        }
        pending.push_str(trimmed);
        let whole = std::mem::take(&mut pending);
        let (command, comment) = match whole.split_once(" #") {
            Some((c, k)) => (c.trim().to_string(), k.to_string()),
            None => (whole.trim().to_string(), String::new()),
        };
        let command = command
            .strip_prefix("cargo run --release -- ")
            .map(|rest| format!("spro {rest}"))
            .unwrap_or(command);
        let Some(rest) = command.strip_prefix("spro ") else {
            continue;
        };
        let code = comment
            .split("code ")
            .nth(1)
            .and_then(|c| c.chars().next())
            .and_then(|c| c.to_digit(10))
            .map_or(0, |c| c as i32);
        out.push(Shown {
            line: whole.trim().to_string(),
            args: rest.split_whitespace().map(str::to_string).collect(),
            code,
        });
    }
    out
}

/// Copies `from` into `to`, recursively.
fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

/// A folder as the guide's reader has it: the repository's fixtures, schemas and example
/// data repository, `bilans/` (the sample batches), `personnes.csv` as the guide shows it; the
/// server's folders (`/var/lib/spro`, `/srv/…`, `/etc/spro/`) inside it.
fn workspace() -> tempfile::TempDir {
    let ws = tempfile::tempdir().unwrap();
    for d in ["fixtures", "schemas", "examples"] {
        copy(&root().join(d), &ws.path().join(d));
    }
    copy(&root().join("fixtures/bilans"), &ws.path().join("bilans"));
    std::fs::write(
        ws.path().join("personnes.csv"),
        "courriel,role,reseaux\ncoord@chx.fr,reseau,36-CHX\nanalyste@region.fr,region,\n",
    )
    .unwrap();
    ws
}

/// `args` with the server's paths moved into `ws`.
fn placed(args: &[String], ws: &Path) -> Vec<String> {
    args.iter()
        .map(|a| {
            let a = a.replace(
                "/var/lib/spro",
                &ws.join("var-lib-spro").display().to_string(),
            );
            let a = a.replace("/srv/", &format!("{}/srv-", ws.display()));
            a.replace("/etc/spro/", &format!("{}/etc-spro-", ws.display()))
        })
        .collect()
}

/// `spro serve …` as shown, on a free port of 127.0.0.1: it starts and answers `/sante`.
fn serves(args: &[String], ws: &Path) -> Result<(), String> {
    let mut args = args.to_vec();
    match args.iter().position(|a| a == "--listen") {
        Some(i) => args[i + 1] = "127.0.0.1:0".into(),
        None => args.extend(["--listen".into(), "127.0.0.1:0".into()]),
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_spro"))
        .args(&args)
        .current_dir(ws)
        .env_remove("SPRO_LANG")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            if let Some(rest) = line.split("http://").nth(1) {
                let _ = tx.send(rest.split('/').next().unwrap_or_default().to_string());
            }
        }
    });
    let answer = rx
        .recv_timeout(Duration::from_secs(30))
        .map_err(|_| "did not start".to_string())
        .and_then(|address| {
            let deadline = Instant::now() + Duration::from_secs(10);
            loop {
                if let Ok(r) = reqwest::blocking::get(format!("http://{address}/sante")) {
                    return Ok(r.status().as_u16());
                }
                if Instant::now() > deadline {
                    return Err("/sante did not answer".to_string());
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        });
    let _ = child.kill();
    let _ = child.wait();
    match answer? {
        200 => Ok(()),
        status => Err(format!("/sante answered {status}")),
    }
}

/// Every `spro` command of the README and the guide, each document's in order in a folder of
/// its own, exits with the code the text implies.
#[test]
fn every_command_of_the_guide_runs_as_written() {
    let mut failures = Vec::new();
    let mut ran = 0;
    for doc in documents() {
        let shown = commands(&std::fs::read_to_string(&doc).unwrap());
        if shown.is_empty() {
            continue;
        }
        let ws = workspace();
        let name = doc.strip_prefix(root()).unwrap().display().to_string();
        for c in shown {
            ran += 1;
            let args = placed(&c.args, ws.path());
            if args.first().map(String::as_str) == Some("serve") {
                if let Err(why) = serves(&args, ws.path()) {
                    failures.push(format!("{name}: `{}`: {why}", c.line));
                }
                continue;
            }
            let out = Command::new(env!("CARGO_BIN_EXE_spro"))
                .args(&args)
                .current_dir(ws.path())
                .env_remove("SPRO_LANG")
                .env("NO_COLOR", "1")
                .stdin(Stdio::null())
                .output()
                .unwrap();
            if out.status.code() != Some(c.code) {
                failures.push(format!(
                    "{name}: `{}` exited {:?}, the text says {}: {}",
                    c.line,
                    out.status.code(),
                    c.code,
                    String::from_utf8_lossy(&out.stderr)
                        .lines()
                        .last()
                        .unwrap_or_default()
                ));
            }
        }
    }
    assert!(ran >= 40, "{ran} commands");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_commands_exit_code_is_read_from_its_comment() {
    let shown = commands(
        "```sh\nspro check a.xlsx   # code 1 : une erreur\ncargo run --release -- rules\nspro campagne etat \\\n  --format json\nsudo systemctl restart spro\n```\n```text\nspro pas-lance\n```\n",
    );
    let seen: Vec<(String, i32)> = shown.iter().map(|s| (s.args.join(" "), s.code)).collect();
    assert_eq!(
        seen,
        [
            ("check a.xlsx".to_string(), 1),
            ("rules".to_string(), 0),
            ("campagne etat --format json".to_string(), 0)
        ]
    );
    assert_eq!(anchor("La campagne"), "la-campagne");
    assert_eq!(
        anchor("Les données, « ouvertes » !"),
        "les-données--ouvertes--"
    );
}
