//! Records a run accumulates per case (audit actions, review index rows),
//! spooled to disk so that memory does not grow with the drop folder.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Seek, SeekFrom, Write};
use std::path::Path;

use crate::StoreError;

/// JSON records, one per line, in an unnamed temporary file (readable by its
/// owner only, gone when dropped).
pub struct Spool {
    file: BufWriter<File>,
    len: usize,
}

impl Spool {
    /// A new, empty spool in `dir`.
    pub fn new(dir: &Path) -> Result<Self, StoreError> {
        let file = tempfile::tempfile_in(dir).map_err(|source| StoreError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        Ok(Spool {
            file: BufWriter::new(file),
            len: 0,
        })
    }

    /// Add one record. It goes through a `Value`, so its keys come out sorted
    /// (as the audit log's `verify` re-serializes them).
    pub fn push(&mut self, item: &impl serde::Serialize) -> std::io::Result<()> {
        let value = serde_json::to_value(item).map_err(std::io::Error::other)?;
        serde_json::to_writer(&mut self.file, &value).map_err(std::io::Error::other)?;
        self.file.write_all(b"\n")?;
        self.len += 1;
        Ok(())
    }

    /// Records pushed.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when nothing was pushed.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The records pushed so far, in order, as JSON text; readable more than once.
    pub(crate) fn lines(
        &mut self,
    ) -> std::io::Result<impl Iterator<Item = std::io::Result<String>> + '_> {
        self.file.flush()?;
        let f = self.file.get_mut();
        f.seek(SeekFrom::Start(0))?;
        Ok(BufReader::new(f).lines())
    }
}
