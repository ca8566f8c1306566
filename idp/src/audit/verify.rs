//! Checking the chain: every hash recomputed, every link and seq followed,
//! and the head compared with the last entry. Walks the journal in pages,
//! so its size does not matter.

use std::fmt;

use super::chain::{GENESIS, entry_hash};
use crate::model::JournalEntry;
use crate::store::{SqlStore, StoreError};

/// Entries read per query.
const PAGE: i64 = 1000;
/// How far from its place a moved entry is still recognised as moved.
const MOVE_WINDOW: i64 = 1000;

/// The outcome of [`verify`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    /// Entries found intact, from the first one on.
    pub entries: i64,
    /// The hash of the last intact entry ([`GENESIS`] if none): the head,
    /// when the journal is intact.
    pub head_hash: String,
    /// The first thing found wrong.
    pub broken: Option<Broken>,
}

impl VerifyReport {
    pub fn intact(&self) -> bool {
        self.broken.is_none()
    }
}

/// The first broken entry: its seq and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    pub seq: i64,
    pub problem: Problem,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The entry's content no longer matches its hash.
    Edited,
    /// Entries `seq..=through` are missing.
    Deleted { through: i64 },
    /// The entry was written as entry `written_as` and moved here.
    Reordered { written_as: i64 },
    /// The entry's own hash is right, but it does not follow the entry
    /// before it: that one was replaced, or entries were removed and the
    /// rest renumbered.
    Unlinked,
    /// The entry has no hash: written around the chain.
    Unchained,
    /// The head does not name the last entry: `head` is its seq (`None`
    /// when the head row is gone), `last` the seq of the last entry.
    HeadMismatch { head: Option<i64>, last: i64 },
}

impl fmt::Display for Broken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let seq = self.seq;
        match &self.problem {
            Problem::Edited => write!(
                f,
                "entry {seq} was edited: its content no longer matches its hash"
            ),
            Problem::Deleted { through } if *through == seq => {
                write!(f, "entry {seq} was deleted (gap in seq)")
            }
            Problem::Deleted { through } => {
                write!(f, "entries {seq} to {through} were deleted (gap in seq)")
            }
            Problem::Reordered { written_as } => write!(
                f,
                "entry {seq} was reordered: it was written as entry {written_as}"
            ),
            Problem::Unlinked => write!(
                f,
                "entry {seq} does not follow entry {}: an entry before it was replaced or removed",
                seq - 1
            ),
            Problem::Unchained => {
                write!(f, "entry {seq} has no hash: it was added around the chain")
            }
            Problem::HeadMismatch { head: None, .. } => {
                write!(f, "head mismatch: the journal head row is missing")
            }
            Problem::HeadMismatch {
                head: Some(head),
                last,
            } if head > last => write!(
                f,
                "head mismatch: the head names entry {head} but the journal ends at entry {last}: \
                 entry {seq} and later were deleted"
            ),
            Problem::HeadMismatch {
                head: Some(head),
                last,
            } if head < last => write!(
                f,
                "head mismatch: the head names entry {head} but the journal goes on to entry {last}: \
                 entry {seq} and later were added around the chain"
            ),
            Problem::HeadMismatch { .. } => write!(
                f,
                "head mismatch: entry {seq} is not the entry the head names: it was replaced"
            ),
        }
    }
}

/// Checks the whole journal; stops at the first broken entry. Entries
/// appended while it runs are checked too.
pub async fn verify(store: &SqlStore) -> Result<VerifyReport, StoreError> {
    let mut last = (0, GENESIS.to_owned());
    let mut entries = 0;
    let report = |entries, last: (i64, String), broken| VerifyReport {
        entries,
        head_hash: last.1,
        broken,
    };
    // Set once the head was seen ahead of the walk: one more page decides
    // between entries appended meanwhile and entries deleted.
    let mut head_ahead = false;
    loop {
        let page = store.audit_page(last.0, PAGE).await?;
        if page.is_empty() {
            let head = store.audit_head().await?;
            let mismatch = |seq, head| Broken {
                seq,
                problem: Problem::HeadMismatch { head, last: last.0 },
            };
            let broken = match head {
                None => mismatch(last.0, None),
                Some((seq, Some(hash))) if seq == last.0 && hash == last.1 => {
                    return Ok(report(entries, last, None));
                }
                Some((seq, _)) if seq > last.0 && !head_ahead => {
                    head_ahead = true;
                    continue;
                }
                Some((seq, _)) if seq > last.0 => mismatch(last.0 + 1, Some(seq)),
                Some((seq, _)) if seq < last.0 => mismatch(seq + 1, Some(seq)),
                Some((seq, _)) => mismatch(seq, Some(seq)),
            };
            // The entries past a head that fell behind were counted as intact.
            let entries = match &broken.problem {
                Problem::HeadMismatch {
                    head: Some(head), ..
                } => entries.min(*head),
                _ => entries,
            };
            return Ok(report(entries, last, Some(broken)));
        }
        head_ahead = false;
        for entry in page {
            if let Some(problem) = check(&entry, last.0 + 1, &last.1) {
                let seq = match problem {
                    Problem::Deleted { .. } => last.0 + 1,
                    _ => entry.seq,
                };
                return Ok(report(entries, last, Some(Broken { seq, problem })));
            }
            last = (entry.seq, entry.hash.unwrap_or_default());
            entries += 1;
        }
    }
}

/// What is wrong with `entry`, expected as entry `seq` after an entry
/// hashed `prev`.
fn check(entry: &JournalEntry, seq: i64, prev: &str) -> Option<Problem> {
    if entry.seq != seq {
        return Some(Problem::Deleted {
            through: entry.seq - 1,
        });
    }
    let (Some(entry_prev), Some(hash)) = (&entry.prev_hash, &entry.hash) else {
        return Some(Problem::Unchained);
    };
    let Ok(event) = entry.event() else {
        return Some(Problem::Edited);
    };
    if entry_hash(entry_prev, seq, &event) != *hash {
        // The hash covers the seq: an entry moved from elsewhere hashes
        // right at its old place.
        let written_as = (seq.saturating_sub(MOVE_WINDOW).max(1)..=seq + MOVE_WINDOW)
            .filter(|&s| s != seq)
            .find(|&s| entry_hash(entry_prev, s, &event) == *hash);
        return Some(match written_as {
            Some(written_as) => Problem::Reordered { written_as },
            None => Problem::Edited,
        });
    }
    if entry_prev != prev {
        return Some(Problem::Unlinked);
    }
    None
}
