//! The downloads `spro serve` holds for a while: annotated copies and JSON reports, in memory
//! only, each under an unguessable token (128 random bits), handed out once, dropped after
//! their time or when the total held passes the cap (the oldest first). A request's downloads
//! are held together ([`Store::put_all`]) and within its share of the cap
//! ([`Store::share`]): a request never evicts its own links, nor more of others' than its
//! share. Nothing is written to disk.

use std::collections::{BTreeMap, VecDeque};
use std::time::{Duration, Instant};

/// One download.
#[derive(Debug, Clone)]
pub(super) struct Download {
    /// The name the browser saves it as.
    pub file_name: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

#[derive(Debug)]
struct Held {
    download: Download,
    until: Instant,
}

/// The downloads held, by token.
#[derive(Debug)]
pub(super) struct Store {
    held: BTreeMap<String, Held>,
    /// Tokens in the order they were given (oldest first), for the cap.
    order: VecDeque<String>,
    bytes: usize,
    cap: usize,
    ttl: Duration,
}

impl Store {
    pub(super) fn new(cap: usize, ttl: Duration) -> Store {
        Store {
            held: BTreeMap::new(),
            order: VecDeque::new(),
            bytes: 0,
            cap,
            ttl,
        }
    }

    /// The most bytes one request's downloads may take: a quarter of the cap, so that a
    /// request evicts at most that much of others' pending downloads.
    pub(super) fn share(&self) -> usize {
        self.cap / 4
    }

    /// Holds one request's `downloads` together, in order, as long as they fit in its
    /// [`share`](Store::share): each one's token, or `None` for one that does not fit (the
    /// page says so). The oldest downloads of other requests make room; none of these.
    pub(super) fn put_all(
        &mut self,
        downloads: Vec<Download>,
        now: Instant,
    ) -> Vec<Option<String>> {
        self.expire(now);
        let mut room = self.share();
        let kept: Vec<Option<Download>> = downloads
            .into_iter()
            .map(|d| {
                let size = d.bytes.len();
                (size <= room).then(|| {
                    room -= size;
                    d
                })
            })
            .collect();
        let total: usize = kept.iter().flatten().map(|d| d.bytes.len()).sum();
        self.make_room(total);
        kept.into_iter()
            .map(|d| d.map(|d| self.insert(d, now)))
            .collect()
    }

    /// Holds `download` and returns its token; `None` when it is larger than the cap alone.
    #[cfg(test)]
    pub(super) fn put(&mut self, download: Download, now: Instant) -> Option<String> {
        self.expire(now);
        let size = download.bytes.len();
        if size > self.cap {
            return None;
        }
        self.make_room(size);
        Some(self.insert(download, now))
    }

    /// Drops the oldest downloads until `size` more bytes fit under the cap.
    fn make_room(&mut self, size: usize) {
        while self.bytes + size > self.cap {
            let Some(oldest) = self.order.pop_front() else {
                break;
            };
            self.remove(&oldest);
        }
    }

    fn insert(&mut self, download: Download, now: Instant) -> String {
        let size = download.bytes.len();
        let token = new_token();
        self.bytes += size;
        self.order.push_back(token.clone());
        self.held.insert(
            token.clone(),
            Held {
                download,
                until: now + self.ttl,
            },
        );
        token
    }

    /// Takes the download of `token`: it is handed out once. `None` when the token is
    /// unknown, used or expired (the three cannot be told apart, on purpose).
    pub(super) fn take(&mut self, token: &str, now: Instant) -> Option<Download> {
        self.expire(now);
        let held = self.remove(token)?;
        self.order.retain(|t| t != token);
        Some(held.download)
    }

    /// Drops the downloads whose time is over.
    pub(super) fn expire(&mut self, now: Instant) {
        while let Some(first) = self.order.front() {
            // Tokens are given in time order and share one lifetime: the front expires first.
            match self.held.get(first) {
                Some(h) if h.until > now => break,
                _ => {
                    let first = first.clone();
                    self.order.pop_front();
                    self.remove(&first);
                }
            }
        }
    }

    fn remove(&mut self, token: &str) -> Option<Held> {
        let held = self.held.remove(token)?;
        self.bytes -= held.download.bytes.len();
        Some(held)
    }

    /// Bytes held.
    #[cfg(test)]
    pub(super) fn bytes(&self) -> usize {
        self.bytes
    }
}

/// 128 random bits from the operating system, in hexadecimal.
fn new_token() -> String {
    let mut bits = [0u8; 16];
    // The operating system's generator does not fail on the systems we run on; if it ever
    // did, a token from a panicking handler is no token at all (the request fails, 500).
    getrandom::fill(&mut bits).expect("random generator of the operating system");
    bits.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn download(size: usize) -> Download {
        Download {
            file_name: "a.xlsx".into(),
            content_type: "application/octet-stream",
            bytes: vec![0; size],
        }
    }

    #[test]
    fn a_download_is_handed_out_once() {
        let now = Instant::now();
        let mut store = Store::new(100, Duration::from_secs(60));
        let token = store.put(download(10), now).unwrap();
        assert_eq!(token.len(), 32);
        assert!(store.take(&token, now).is_some());
        assert!(store.take(&token, now).is_none());
        assert_eq!(store.bytes(), 0);
    }

    #[test]
    fn downloads_expire() {
        let now = Instant::now();
        let mut store = Store::new(100, Duration::from_secs(60));
        let token = store.put(download(10), now).unwrap();
        assert!(store.take(&token, now + Duration::from_secs(61)).is_none());
        assert_eq!(store.bytes(), 0);
    }

    #[test]
    fn the_oldest_go_first_past_the_cap() {
        let now = Instant::now();
        let mut store = Store::new(100, Duration::from_secs(60));
        let first = store.put(download(60), now).unwrap();
        let second = store.put(download(60), now).unwrap();
        assert!(store.take(&first, now).is_none());
        assert_eq!(store.bytes(), 60);
        assert!(store.put(download(101), now).is_none());
        assert!(store.take(&second, now).is_some());
    }

    /// A request's links are held together, within its share; it evicts others'
    /// oldest for room, never its own, never more than its share.
    #[test]
    fn a_request_never_evicts_its_own_links() {
        let now = Instant::now();
        let mut store = Store::new(400, Duration::from_secs(60));
        let others: Vec<String> = (0..4)
            .map(|_| store.put(download(90), now).unwrap())
            .collect();
        let tokens = store.put_all((0..13).map(|_| download(30)).collect(), now);
        assert_eq!(tokens.iter().flatten().count(), 3, "{tokens:?}");
        assert!(tokens[..3].iter().all(Option::is_some));
        assert!(tokens[3..].iter().all(Option::is_none));
        for token in tokens.iter().flatten() {
            assert!(store.take(token, now).is_some());
        }
        // 90 bytes of others' made room for 90 of ours: the three others after the first stay.
        assert!(store.take(&others[0], now).is_none());
        for token in &others[1..] {
            assert!(store.take(token, now).is_some());
        }
    }

    #[test]
    fn tokens_differ() {
        let mut store = Store::new(1000, Duration::from_secs(60));
        let now = Instant::now();
        let a = store.put(download(1), now).unwrap();
        let b = store.put(download(1), now).unwrap();
        assert_ne!(a, b);
        assert!(store
            .take("00000000000000000000000000000000", now)
            .is_none());
    }
}
