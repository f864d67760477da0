//! Load benchmark of `spro serve` (not a test): starts the server, has N concurrent clients on
//! 127.0.0.1 upload real workbooks to `/verifier` (the page: check and annotated copy) for a
//! bounded count and time, and reports p50/p99 latency, throughput, the count of each status
//! (503 is the only failure allowed, under overload) and the server's peak RSS (VmHWM).
//!
//! `cargo run --release --example serve_load -- --spro target/release/spro --clients 8
//!  --requetes 50 --fichiers-par-requete 1 -j 2 [--attente-s 10] FILE_OR_DIR...`
//! `benches/serve.sh` runs the scenarios of `benches/README.md`.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn arg<T: std::str::FromStr>(args: &[String], name: &str, default: T) -> T {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The workbooks named on the command line (folders: their .xlsx, .xls, .ods).
fn files(args: &[String]) -> Vec<(String, Vec<u8>)> {
    let mut paths: Vec<PathBuf> = Vec::new();
    let mut skip = false;
    for a in args.iter().skip(1) {
        if skip {
            skip = false;
            continue;
        }
        if a.starts_with("--") || a == "-j" {
            skip = true;
            continue;
        }
        let p = PathBuf::from(a);
        if p.is_dir() {
            let mut inside: Vec<PathBuf> = std::fs::read_dir(&p)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| {
                    matches!(
                        p.extension().and_then(|e| e.to_str()),
                        Some("xlsx" | "xls" | "ods")
                    )
                })
                .collect();
            inside.sort();
            paths.extend(inside);
        } else {
            paths.push(p);
        }
    }
    paths
        .iter()
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(p).unwrap(),
            )
        })
        .collect()
}

fn peak_rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let spro: PathBuf = arg(&args, "--spro", PathBuf::from("target/release/spro"));
    let clients: usize = arg(&args, "--clients", 8);
    let requests: usize = arg(&args, "--requetes", 20);
    let per_request: usize = arg(&args, "--fichiers-par-requete", 1);
    let jobs: usize = arg(&args, "-j", 2);
    let wait: u64 = arg(&args, "--attente-s", 10);
    let max_time = Duration::from_secs(arg(&args, "--duree-max-s", 300));
    let files = Arc::new(files(&args));
    assert!(!files.is_empty(), "no workbook given");
    let bytes_each: usize = files.iter().map(|(_, b)| b.len()).sum::<usize>() / files.len();

    let mut server = Command::new(&spro)
        .args(["serve", "--listen", "127.0.0.1:0", "-j", &jobs.to_string()])
        .args(["--attente-s", &wait.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spro");
    let pid = server.id();
    let mut stderr = BufReader::new(server.stderr.take().unwrap());
    let mut line = String::new();
    let address = loop {
        line.clear();
        stderr.read_line(&mut line).unwrap();
        if let Some(rest) = line.split("http://").nth(1) {
            break rest.split('/').next().unwrap().to_string();
        }
    };
    // Keep draining the request log.
    std::thread::spawn(move || for _ in stderr.lines() {});
    let url = format!("http://{address}/verifier");

    let latencies = Arc::new(Mutex::new(Vec::new()));
    let statuses = Arc::new(Mutex::new(
        std::collections::BTreeMap::<String, usize>::new(),
    ));
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let threads: Vec<_> = (0..clients)
        .map(|c| {
            let (files, latencies, statuses, next, url) = (
                files.clone(),
                latencies.clone(),
                statuses.clone(),
                next.clone(),
                url.clone(),
            );
            std::thread::spawn(move || {
                let client = reqwest::blocking::Client::builder()
                    .timeout(Duration::from_secs(300))
                    .build()
                    .unwrap();
                for _ in 0..requests {
                    if start.elapsed() > max_time {
                        break;
                    }
                    let mut form = reqwest::blocking::multipart::Form::new();
                    for _ in 0..per_request {
                        let i = next.fetch_add(1, Ordering::Relaxed) % files.len();
                        let (name, bytes) = &files[i];
                        form = form.part(
                            "fichiers",
                            reqwest::blocking::multipart::Part::bytes(bytes.clone())
                                .file_name(format!("{c}-{name}")),
                        );
                    }
                    let t = Instant::now();
                    let outcome = client.post(&url).multipart(form).send().and_then(|r| {
                        let status = r.status().as_u16();
                        r.bytes().map(|_| status)
                    });
                    let took = t.elapsed();
                    let key = match outcome {
                        Ok(s) => {
                            if s == 200 {
                                latencies.lock().unwrap().push(took);
                            }
                            s.to_string()
                        }
                        Err(e) => format!("échec ({e})"),
                    };
                    *statuses.lock().unwrap().entry(key).or_default() += 1;
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let elapsed = start.elapsed();
    let rss = peak_rss_kib(pid);
    let _ = server.kill();
    let _ = server.wait();

    let mut lat = latencies.lock().unwrap().clone();
    lat.sort();
    let statuses = statuses.lock().unwrap();
    let total: usize = statuses.values().sum();
    let ok = statuses.get("200").copied().unwrap_or(0);
    let busy = statuses.get("503").copied().unwrap_or(0);
    let other = total - ok - busy;
    println!(
        "clients {clients} × {requests} requêtes × {per_request} fichier(s) de {:.1} Mo, -j {jobs}",
        bytes_each as f64 / 1e6
    );
    println!(
        "  {total} requêtes en {:.1} s : {ok} × 200, {busy} × 503, {other} autre(s) {:?}",
        elapsed.as_secs_f64(),
        *statuses
    );
    println!(
        "  latence (200) p50 {:.0} ms, p99 {:.0} ms ; débit {:.1} requêtes/s ({:.1} fichiers/s)",
        percentile(&lat, 0.5).as_secs_f64() * 1000.0,
        percentile(&lat, 0.99).as_secs_f64() * 1000.0,
        ok as f64 / elapsed.as_secs_f64(),
        (ok * per_request) as f64 / elapsed.as_secs_f64()
    );
    println!("  RSS de pointe du serveur : {} Mio", rss / 1024);
    if other > 0 {
        eprintln!("ÉCHEC : réponses autres que 200 et 503");
        std::process::exit(1);
    }
    if rss > 1024 * 1024 {
        eprintln!("ÉCHEC : plus de 1 Gio de mémoire");
        std::process::exit(1);
    }
}
