//! The memory budget of checks: what a check, an annotated copy and a consolidation weigh
//! (from the sizes a workbook's zip directory declares, before any parsing), the turn a
//! request holds while it runs, and draining a body refused.

/// Reads and drops a body, at most `limit` bytes.
pub(super) async fn drain(mut body: axum::body::Body, limit: u64) {
    use http_body_util::BodyExt;
    let mut seen = 0u64;
    while let Some(Ok(frame)) = body.frame().await {
        if let Some(data) = frame.data_ref() {
            seen += data.len() as u64;
            if seen > limit {
                break;
            }
        }
    }
}

/// Runs `work` off the async threads (a check, a prescan, a consolidation, a template); a
/// panic in it is a 500, the server keeps serving.
pub(super) async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, super::ServeError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|_| super::ServeError::Internal)
}

/// Runs `work`, which the budget weighed, while `turn` is held; what it freed is given back to
/// the system before the turn passes on.
pub(super) async fn weighed<T: Send + 'static>(
    turn: CheckTurn,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, super::ServeError> {
    blocking(move || {
        let _turn = turn;
        let done = work();
        crate::memory::give_back();
        done
    })
    .await
}

/// Held while a check runs.
pub(super) struct CheckTurn {
    pub(super) _slots: tokio::sync::OwnedSemaphorePermit,
    pub(super) _memory: tokio::sync::OwnedSemaphorePermit,
}

/// What is known of an upload before it is parsed: the bytes its parts take once inflated
/// ([`crate::read::admit::expanded_size`]) and, by the prescan's count: for a format calamine
/// reads whole (`.xls`, `.ods`), what reading it takes (its cells and texts); for one it
/// streams, what it keeps of the package while it does (shared strings, styles, sheets).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Size {
    pub(super) expanded: u64,
    pub(super) whole: Option<u64>,
    pub(super) package: u64,
}

impl Size {
    /// The size of `bytes`, a workbook in `format` (by its name). The prescan of an `.ods`
    /// inflates and walks its content (a second or two at the limits): call this off the
    /// async threads.
    pub(super) fn of(
        bytes: &[u8],
        format: Option<crate::read::Format>,
        limits: &crate::config::Limits,
    ) -> Size {
        use crate::read::Format;
        let cost = format.and_then(|f| crate::read::admit::read_cost(bytes, f, limits));
        let streamed = matches!(format, Some(Format::Xlsx | Format::Xlsb));
        Size {
            expanded: crate::read::admit::expanded_size(bytes),
            whole: cost.filter(|_| !streamed).map(|c| c.bytes()),
            package: cost.filter(|_| streamed).map_or(0, |c| c.bytes()),
        }
    }
}

/// What checking a workbook may take at its peak, in MiB. Read as it streams (`.xlsx`, `.xlsm`,
/// `.xlsb`): half the bytes its parts take once inflated (measured, `benches/`: the largest
/// Accueil the limits let in, 493 MiB of sheet XML, every row wrong, peaks at 236 MiB; 99,000
/// valid actions, 58 MiB of XML, at 52 MiB). Read whole (`.xls`, `.ods`): what the prescan
/// counts (at or above what six workbooks measured). Either way, what the package keeps
/// whole while its cells stream (the prescan's count: 4,000,000 cell formats in 40 KB
/// zipped take 620 MB). At least 1.
pub(super) fn check_weight(size: &Size) -> u32 {
    mib((size.expanded / 2 + size.package).max(size.whole.unwrap_or(0)))
}

/// What making a workbook's annotated copy adds, in MiB. An `.xlsx`/`.xlsm` is patched as it
/// streams: the copy being written and the notes (measured: the largest Accueil the limits
/// let in, 360,000 findings, 80 MiB over its check, a quarter of its inflated size; 99,000
/// valid actions, nothing measurable). Another format is read again and its values written
/// in memory before they are marked: an `.xls`/`.ods` about as much as its check again
/// (measured at the prescan's bound: 247 MiB over a 238 MiB estimate, the `.xls` of 2.4
/// million numbers; 150 MiB over 234 MiB, an `.xls` of 1.2 million texts), counted with an
/// eighth more; an `.xlsb` 8 times its inflated size (measured on `.ods` before the prescan
/// counted texts: 479 MiB for 99,000 actions).
pub(super) fn copy_weight(size: &Size, patched: bool) -> u32 {
    match (patched, size.whole) {
        // The patch keeps the cell formats of the styles it rewrites: the package again.
        (true, _) => mib(size.expanded / 4 + size.package),
        (false, Some(whole)) => mib(whole.saturating_add(whole / 8)),
        (false, None) => mib(size.expanded.saturating_mul(8)),
    }
}

/// What a consolidation holds per workbook until it is written: its typed rows (measured:
/// about the inflated size of its sheets).
pub(super) fn consolidation_weight(size: &Size) -> u32 {
    mib(size.expanded)
}

pub(super) fn mib(bytes: u64) -> u32 {
    u32::try_from((bytes / (1024 * 1024)).max(1)).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights() {
        let streamed = |expanded| Size {
            expanded,
            whole: None,
            package: 0,
        };
        assert_eq!(check_weight(&streamed(0)), 1);
        assert_eq!(check_weight(&streamed(60_706_624)), 28);
        assert_eq!(copy_weight(&streamed(60_706_624), false), 463);
        assert_eq!(copy_weight(&streamed(60_706_624), true), 14);
        // The largest Accueil the limits let in: copied online as an .xlsx.
        assert_eq!(check_weight(&streamed(516_694_589)), 246);
        assert_eq!(copy_weight(&streamed(516_694_589), true), 123);
        assert_eq!(consolidation_weight(&streamed(60_706_624)), 57);
        // An .xls at the prescan's bound (15 MB, 2.4 million cells): its cells, not its bytes.
        let xls = Size {
            expanded: 15_021_568,
            whole: Some(250_000_000),
            package: 0,
        };
        assert_eq!(check_weight(&xls), 238);
        assert_eq!(copy_weight(&xls, false), 268);
    }

    /// The weight of real uploads: an `.xls` and an `.ods` of the sample weigh their cells.
    #[test]
    fn sizes_of_the_samples() {
        let limits = crate::config::Limits::default();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/bilans/2025");
        for name in ["41-BLO.ods", "45-ORL.xls"] {
            let bytes = std::fs::read(root.join(name)).expect("a sample");
            let format = crate::read::Format::from_path(std::path::Path::new(name));
            let size = Size::of(&bytes, format, &limits);
            assert!(size.whole.is_some_and(|w| w > 20_000), "{name}: {size:?}");
        }
        let bytes = std::fs::read(root.join("36-CHX.xlsx")).expect("a sample");
        let format = crate::read::Format::from_path(std::path::Path::new("36-CHX.xlsx"));
        let size = Size::of(&bytes, format, &limits);
        assert_eq!(size.whole, None);
        assert!((1_000..1_000_000).contains(&size.package), "{size:?}");
        // 200,000 cell formats: a few kilobytes zipped, weighed by what calamine keeps of them.
        let styled = crate::fixture::rewrite(&bytes, |name, text| {
            if name == "xl/styles.xml" {
                text.replacen(
                    "</cellXfs>",
                    &format!("{}</cellXfs>", "<xf/>".repeat(200_000)),
                    1,
                )
            } else {
                text
            }
        })
        .expect("a workbook");
        let size = Size::of(&styled, format, &limits);
        assert!(check_weight(&size) >= 42, "{size:?}");
        assert!(copy_weight(&size, true) >= 42, "{size:?}");
    }
}
