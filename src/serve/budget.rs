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

/// Held while a check runs.
pub(super) struct CheckTurn {
    pub(super) _slots: tokio::sync::OwnedSemaphorePermit,
    pub(super) _memory: tokio::sync::OwnedSemaphorePermit,
}

/// What checking a workbook may take at its peak, in MiB, from the bytes its parts take once
/// inflated ([`crate::workbook::expanded_size`]): half of them (measured, `benches/`:
/// the largest Accueil the limits let in, 493 MiB of sheet XML, every row wrong, peaks at
/// 236 MiB; 99,000 valid actions, 58 MiB of XML, at 52 MiB), at least 1.
pub(super) fn check_weight(expanded: u64) -> u32 {
    mib(expanded / 2)
}

/// What making a workbook's annotated copy adds, in MiB. An `.xlsx`/`.xlsm` is patched as it
/// streams: the copy being written and the notes (measured: the largest Accueil the limits
/// let in, 360,000 findings, 80 MiB over its check, a quarter of its inflated size; 99,000
/// valid actions, nothing measurable). Another format is read again whole and rebuilt
/// (measured: 8 times the inflated size, 479 MiB for 99,000 actions).
pub(super) fn copy_weight(expanded: u64, patched: bool) -> u32 {
    if patched {
        mib(expanded / 4)
    } else {
        mib(expanded.saturating_mul(8))
    }
}

/// What a consolidation holds per workbook until it is written: its typed rows (measured:
/// about the inflated size of its sheets).
pub(super) fn consolidation_weight(expanded: u64) -> u32 {
    mib(expanded)
}

pub(super) fn mib(bytes: u64) -> u32 {
    u32::try_from((bytes / (1024 * 1024)).max(1)).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights() {
        assert_eq!(check_weight(0), 1);
        assert_eq!(check_weight(60_706_624), 28);
        assert_eq!(copy_weight(60_706_624, false), 463);
        assert_eq!(copy_weight(60_706_624, true), 14);
        // The largest Accueil the limits let in: copied online as an .xlsx, not as an .ods.
        assert_eq!(check_weight(516_694_589), 246);
        assert_eq!(copy_weight(516_694_589, true), 123);
        assert!(copy_weight(516_694_589, false) > 512);
        assert_eq!(consolidation_weight(60_706_624), 57);
    }
}
