//! Read audits committed together (group commit). Every page that shows people appends one audit
//! event, and the audit chain takes one event at a time: on SQLite each append waits for the one
//! writer, on PostgreSQL for the lock on the chain's head row. Under fifty concurrent users those
//! waits, one transaction per page, bounded the list pages. Here whoever finds reads queued takes
//! the lead and writes every queued read in one transaction, while the next ones queue behind it.
//!
//! A read is still answered only after its own event has committed: a request never shows people
//! whose read is not on the record. When a shared transaction fails, each read is written again on
//! its own, so one bad event cannot lose another's.

use super::audit_trail::write_read;
use super::SqlStore;
use crate::{AuditActor, ReadAudit, Result};
use tokio::sync::{oneshot, Mutex};

/// The reads waiting to be written, and who is writing them (see the module).
#[derive(Default)]
pub(super) struct ReadAuditQueue {
    waiting: std::sync::Mutex<Vec<Queued>>,
    lead: Mutex<()>,
}

struct Queued {
    who: AuditActor,
    read: ReadAudit,
    /// `true` once the read's event has committed; `false` (or dropped): write it alone.
    written: oneshot::Sender<bool>,
}

impl ReadAuditQueue {
    fn push(&self, queued: Queued) {
        self.waiting.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).push(queued);
    }

    fn take(&self) -> Vec<Queued> {
        std::mem::take(&mut *self.waiting.lock().unwrap_or_else(|poisoned| poisoned.into_inner()))
    }
}

impl SqlStore {
    /// Records `read` in a transaction shared with the reads queued meanwhile (outside a unit of
    /// work; inside one, the read belongs to the work's own transaction).
    pub(super) async fn record_read_with_others(&self, who: &AuditActor, read: &ReadAudit) -> Result<()> {
        let (written, committed) = oneshot::channel();
        let queue = &self.read_audits;
        queue.push(Queued { who: who.clone(), read: read.clone(), written });
        {
            let _lead = queue.lead.lock().await;
            // Empty when an earlier lead took this read with its own.
            let batch = queue.take();
            if !batch.is_empty() {
                let ok = match self.write_reads(&batch).await {
                    Ok(()) => true,
                    Err(e) => {
                        tracing::warn!(error = %e, reads = batch.len(), "read audits written together failed; writing each alone");
                        false
                    }
                };
                for queued in batch {
                    let _ = queued.written.send(ok);
                }
            }
        }
        match committed.await {
            Ok(true) => Ok(()),
            // The shared transaction failed, or its lead was cancelled before it could say.
            _ => self.record_read_alone(who, read).await,
        }
    }

    async fn write_reads(&self, batch: &[Queued]) -> Result<()> {
        let mut tx = self.bookkeeping_tx().await?;
        for queued in batch {
            write_read(&mut tx, &queued.who, &queued.read).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub(super) async fn record_read_alone(&self, who: &AuditActor, read: &ReadAudit) -> Result<()> {
        let mut tx = self.bookkeeping_tx().await?;
        write_read(&mut tx, who, read).await?;
        tx.commit().await?;
        Ok(())
    }
}
