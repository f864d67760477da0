//! Parallel work, consumed in order, with a bounded look-ahead: the shape of
//! `spro consolidate`, which checks files on every core while one writer takes them in path
//! order and drops each file's data once written. Memory then holds a bounded number of
//! results, whatever the number of items.

use std::collections::BTreeMap;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Condvar, Mutex, MutexGuard};

/// Maps every item with `map` on the current rayon pool and hands the results to `consume`,
/// in the items' order, on a thread of its own. No item is mapped more than `window` places
/// ahead of the one `consume` waits for. On a pool of one thread, maps and consumes in turn on
/// the current thread. Stops at the first error of `consume` and returns it.
pub(crate) fn map_in_order<T, R, E>(
    items: &[T],
    window: usize,
    map: impl Fn(&T) -> R + Sync,
    mut consume: impl FnMut(R) -> Result<(), E> + Send,
) -> Result<(), E>
where
    T: Sync,
    R: Send,
    E: Send,
{
    let threads = rayon::current_num_threads();
    if threads <= 1 || items.len() <= 1 {
        return items.iter().try_for_each(|item| consume(map(item)));
    }
    let window = window.max(1);
    let next = AtomicUsize::new(0);
    let progress = Progress {
        state: Mutex::new((0, false)),
        advanced: Condvar::new(),
    };
    let (tx, rx) = mpsc::channel::<(usize, R)>();
    std::thread::scope(|scope| {
        let progress = &progress;
        let writer = scope.spawn(move || {
            // Whatever happens here (error or panic), the mappers are told to stop.
            let _stop = StopOnDrop(progress);
            let mut pending = BTreeMap::new();
            let mut expected = 0;
            for (i, result) in rx {
                pending.insert(i, result);
                while let Some(result) = pending.remove(&expected) {
                    consume(result)?;
                    expected += 1;
                    progress.lock().0 = expected;
                    progress.advanced.notify_all();
                }
            }
            Ok(())
        });
        rayon::scope(|s| {
            for _ in 0..threads {
                let tx = tx.clone();
                let (next, map) = (&next, &map);
                s.spawn(move |_| loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= items.len() || !progress.wait_for_room(i, window) {
                        break;
                    }
                    // A panic here would leave the consumer waiting for item i, and the other
                    // mappers for room: stop them all, then let the panic go on.
                    let result = std::panic::catch_unwind(AssertUnwindSafe(|| map(&items[i])));
                    let result = result.unwrap_or_else(|panic| {
                        drop(StopOnDrop(progress));
                        std::panic::resume_unwind(panic)
                    });
                    if tx.send((i, result)).is_err() {
                        break;
                    }
                });
            }
        });
        drop(tx);
        writer
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

/// How far the consumer is (items consumed, stopped), and a signal when that changes.
struct Progress {
    state: Mutex<(usize, bool)>,
    advanced: Condvar,
}

impl Progress {
    fn lock(&self) -> MutexGuard<'_, (usize, bool)> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits until item `i` is within `window` of the consumer; false once it stopped.
    fn wait_for_room(&self, i: usize, window: usize) -> bool {
        let mut state = self.lock();
        while i >= state.0 + window && !state.1 {
            state = self.advanced.wait(state).unwrap_or_else(|e| e.into_inner());
        }
        !state.1
    }
}

struct StopOnDrop<'a>(&'a Progress);

impl Drop for StopOnDrop<'_> {
    fn drop(&mut self) {
        self.0.lock().1 = true;
        self.0.advanced.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool(threads: usize) -> rayon::ThreadPool {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
    }

    #[test]
    fn results_come_in_order_whatever_the_threads() {
        let items: Vec<u64> = (0..500).collect();
        for threads in [1, 2, 4] {
            let mut seen = Vec::new();
            pool(threads)
                .install(|| {
                    map_in_order(
                        &items,
                        3,
                        |&i| {
                            // Uneven work so that mappers finish out of order.
                            std::thread::sleep(std::time::Duration::from_micros((i * 7) % 50));
                            i * 2
                        },
                        |r| {
                            seen.push(r);
                            Ok::<(), ()>(())
                        },
                    )
                })
                .unwrap();
            assert_eq!(seen, items.iter().map(|i| i * 2).collect::<Vec<_>>());
        }
    }

    #[test]
    fn look_ahead_is_bounded() {
        let items: Vec<usize> = (0..300).collect();
        let consumed = AtomicUsize::new(0);
        let ahead = AtomicUsize::new(0);
        pool(4)
            .install(|| {
                map_in_order(
                    &items,
                    5,
                    |&i| {
                        let done = consumed.load(Ordering::SeqCst);
                        ahead.fetch_max(i.saturating_sub(done), Ordering::SeqCst);
                        i
                    },
                    |_| {
                        std::thread::sleep(std::time::Duration::from_micros(100));
                        consumed.fetch_add(1, Ordering::SeqCst);
                        Ok::<(), ()>(())
                    },
                )
            })
            .unwrap();
        // Item i is mapped only once the consumer took i - 5 or more.
        assert!(ahead.load(Ordering::SeqCst) < 5, "{ahead:?}");
    }

    #[test]
    fn a_panic_in_the_work_is_a_panic_not_a_hang() {
        let items: Vec<usize> = (0..1000).collect();
        let result = std::panic::catch_unwind(|| {
            pool(2).install(|| {
                map_in_order(
                    &items,
                    2,
                    |&i| {
                        assert!(i != 3, "item 3");
                        i
                    },
                    |_| Ok::<(), ()>(()),
                )
            })
        });
        assert!(result.is_err());
    }

    #[test]
    fn an_error_stops_the_work() {
        let items: Vec<usize> = (0..10_000).collect();
        let mapped = AtomicUsize::new(0);
        let result = pool(2).install(|| {
            map_in_order(
                &items,
                4,
                |&i| {
                    mapped.fetch_add(1, Ordering::SeqCst);
                    i
                },
                |i| if i == 10 { Err(i) } else { Ok(()) },
            )
        });
        assert_eq!(result, Err(10));
        assert!(mapped.load(Ordering::SeqCst) < 100);
    }
}
