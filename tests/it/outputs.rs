//! Outputs go where the user pointed: every command that writes a file writes into a device
//! or a FIFO as it is (never renaming a file over it), and through a symbolic link into the
//! file it names (the link stays).

use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};

use crate::common::*;

/// Each command that writes one file, with `OUT` where its output goes.
fn commands() -> Vec<(&'static str, Vec<String>)> {
    let batch = root().join("fixtures/bilans/2025");
    let chx = batch.join("36-CHX.xlsx");
    let batch = batch.display().to_string();
    let chx = chx.display().to_string();
    let mut commands = vec![
        (
            "check",
            vec!["check", &chx, "--format", "json", "-o", "OUT"],
        ),
        (
            "consolidate",
            vec!["consolidate", &batch, "--annee", "2025", "-q", "-o", "OUT"],
        ),
        ("template", vec!["template", "--annee", "2025", "-o", "OUT"]),
    ];
    if cfg!(feature = "synthese") {
        commands.push((
            "synthese",
            vec!["synthese", &batch, "--annee", "2025", "-q", "-o", "OUT"],
        ));
    }
    commands
        .into_iter()
        .map(|(name, args)| (name, args.into_iter().map(String::from).collect()))
        .collect()
}

fn run(args: &[String], out: &Path, cwd: &Path) -> std::process::Output {
    let args: Vec<String> = args
        .iter()
        .map(|a| {
            if a == "OUT" {
                out.display().to_string()
            } else {
                a.clone()
            }
        })
        .collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    spro(&args, cwd)
}

fn file_type(path: &Path) -> std::fs::FileType {
    std::fs::symlink_metadata(path).unwrap().file_type()
}

fn c_path(path: &Path) -> std::ffi::CString {
    std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap()
}

#[test]
fn a_symbolic_link_stays_and_the_file_it_names_is_written() {
    for (name, args) in commands() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("sortie");
        std::fs::write(&file, "ancien contenu").unwrap();
        let link = dir.path().join("lien");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        let out = run(&args, &link, dir.path());
        assert!(out.status.code().is_some_and(|c| c <= 1), "{name}: {out:?}");
        assert!(
            file_type(&link).is_symlink(),
            "{name}: the link was replaced"
        );
        let written = std::fs::read(&file).unwrap();
        assert_ne!(
            written, b"ancien contenu",
            "{name}: the file was not written"
        );
        assert!(written.len() > 100, "{name}");
    }
}

#[test]
fn a_fifo_gets_the_output_and_stays_a_fifo() {
    for (name, args) in commands() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("tube");
        // SAFETY: a valid, NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c_path(&fifo).as_ptr(), 0o600) }, 0);
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read(fifo).unwrap())
        };
        let out = run(&args, &fifo, dir.path());
        assert!(out.status.code().is_some_and(|c| c <= 1), "{name}: {out:?}");
        let read = reader.join().unwrap();
        assert!(
            read.len() > 100,
            "{name}: the reader got {} bytes",
            read.len()
        );
        assert!(file_type(&fifo).is_fifo(), "{name}: the FIFO was replaced");
    }
}

/// A character device like `/dev/null`, made in a temporary folder (needs root, as CI runs;
/// skipped otherwise, and said).
#[test]
fn a_device_stays_a_device() {
    // SAFETY: getuid has no preconditions.
    if unsafe { libc::getuid() } != 0 {
        eprintln!("a_device_stays_a_device: skipped, mknod needs root");
        return;
    }
    for (name, args) in commands() {
        let dir = tempfile::tempdir().unwrap();
        let null: PathBuf = dir.path().join("null");
        // SAFETY: a valid path; 1:3 is the null device.
        let made = unsafe {
            libc::mknod(
                c_path(&null).as_ptr(),
                libc::S_IFCHR | 0o666,
                libc::makedev(1, 3),
            )
        };
        assert_eq!(made, 0, "mknod: {}", std::io::Error::last_os_error());
        let out = run(&args, &null, dir.path());
        assert!(out.status.code().is_some_and(|c| c <= 1), "{name}: {out:?}");
        assert!(
            file_type(&null).is_char_device(),
            "{name}: the device was replaced by a file"
        );
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "{name}: {left:?}");
    }
}
