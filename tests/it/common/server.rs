//! A `spro serve` process for the tests: on a free port of 127.0.0.1, its own empty
//! temporary and working folders (to prove it writes nothing), its log kept, killed when
//! dropped and by the kernel when the test that started it ends.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A `spro serve` child process, killed when dropped (and by the kernel if the test dies:
/// PR_SET_PDEATHSIG), with its own empty temporary folder and working folder.
pub struct Server {
    pub child: Child,
    pub base: String,
    pub address: String,
    log: Arc<Mutex<Vec<String>>>,
    tmp: tempfile::TempDir,
    cwd: tempfile::TempDir,
}

impl Server {
    pub fn start(args: &[&str]) -> Server {
        Server::start_with(args, None)
    }

    /// `config`: the text of a `spro.toml` put in the server's working folder.
    pub fn start_with(args: &[&str], config: Option<&str>) -> Server {
        Server::start_in(args, config, &[])
    }

    /// The same, with `env` set for the server alone (`SPRO_MAINTENANT`, the clock).
    pub fn start_in(args: &[&str], config: Option<&str>, env: &[(&str, &str)]) -> Server {
        let tmp = tempfile::tempdir().unwrap();
        let cwd = tempfile::tempdir().unwrap();
        let mut all = vec!["serve", "--listen", "127.0.0.1:0"];
        all.extend_from_slice(args);
        if let Some(text) = config {
            let path = tmp.path().join("spro.toml");
            std::fs::write(&path, text).unwrap();
            // The configuration lives outside the folders watched for writes.
            let kept = std::env::temp_dir().join(format!(
                "spro-serve-test-{}-{}.toml",
                std::process::id(),
                cwd.path().file_name().unwrap().to_string_lossy()
            ));
            std::fs::rename(&path, &kept).unwrap();
            all.push("--config");
            all.push(Box::leak(kept.display().to_string().into_boxed_str()));
        }
        let mut command = Command::new(env!("CARGO_BIN_EXE_spro"));
        command
            .args(&all)
            .env("TMPDIR", tmp.path())
            .env_remove("SPRO_LANG")
            .envs(env.iter().copied())
            .current_dir(cwd.path())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        #[cfg(target_os = "linux")]
        unsafe {
            use std::os::unix::process::CommandExt;
            command.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                Ok(())
            });
        }
        let mut child = command.spawn().unwrap();
        let stderr = child.stderr.take().unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        let lines = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if let Some(rest) = line.split("http://").nth(1) {
                    let _ = tx.send(rest.split('/').next().unwrap_or_default().to_string());
                }
                lines.lock().unwrap().push(line);
            }
        });
        let address = rx
            .recv_timeout(Duration::from_secs(20))
            .expect("spro serve did not say where it listens");
        Server {
            child,
            base: format!("http://{address}"),
            address,
            log,
            tmp,
            cwd,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn log(&self) -> String {
        self.log.lock().unwrap().join("\n")
    }

    /// The log once it holds `line` (the server writes it as it answers; the reading thread
    /// may lag a little), or as it is after 5 s.
    pub fn log_with(&self, line: &str) -> String {
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        loop {
            let log = self.log();
            if log.contains(line) || std::time::Instant::now() > deadline {
                return log;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Files written in the server's temporary and working folders.
    pub fn written(&self) -> Vec<PathBuf> {
        let mut all = Vec::new();
        for dir in [self.tmp.path(), self.cwd.path()] {
            for entry in std::fs::read_dir(dir).unwrap() {
                all.push(entry.unwrap().path());
            }
        }
        all
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
