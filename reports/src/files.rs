//! Safe writing of a publication: every file is written under a temporary name beside its
//! place, and only when all of them are written are they renamed into place, so that a run
//! killed half-way leaves the previous outputs as they were (its temporary files are removed
//! by the next run). Files of the previous publication that the new one does not write are
//! removed at the same moment.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use sha2::Digest;

use crate::PublishError;

/// The prefix of a file being written.
const TEMPORARY: &str = ".hestat-tmp-";

/// A file as written: its path relative to the output folder, size and SHA-256.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenFile {
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
}

/// SHA-256 of bytes, lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// The files of one publication, written to temporary names until [`Publication::commit`].
pub struct Publication {
    out: PathBuf,
    /// The folders (relative) whose content the publication replaces.
    managed: Vec<&'static str>,
    pending: Vec<(PathBuf, PathBuf)>,
    written: Vec<WrittenFile>,
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> PublishError + '_ {
    move |source| PublishError::Write { path: path.to_path_buf(), source: source.into() }
}

impl Publication {
    /// A publication into `out`, replacing the content of the `managed` folders (and the
    /// files given at the top level). Temporary files left by a killed run are removed.
    pub fn new(out: &Path, managed: Vec<&'static str>) -> Result<Publication, PublishError> {
        std::fs::create_dir_all(out).map_err(io_error(out))?;
        let publication = Publication { out: out.to_path_buf(), managed, pending: Vec::new(), written: Vec::new() };
        for file in publication.existing()? {
            if file.file_name().is_some_and(|n| n.to_string_lossy().starts_with(TEMPORARY)) {
                std::fs::remove_file(&file).map_err(io_error(&file))?;
            }
        }
        Ok(publication)
    }

    /// Every file now under the managed folders.
    fn existing(&self) -> Result<Vec<PathBuf>, PublishError> {
        let mut files = Vec::new();
        let mut stack: Vec<PathBuf> = self.managed.iter().map(|m| self.out.join(m)).filter(|p| p.is_dir()).collect();
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).map_err(io_error(&dir))? {
                let path = entry.map_err(io_error(&dir))?.path();
                if path.is_dir() {
                    stack.push(path);
                } else {
                    files.push(path);
                }
            }
        }
        for entry in std::fs::read_dir(&self.out).map_err(io_error(&self.out))? {
            let path = entry.map_err(io_error(&self.out))?.path();
            if path.is_file() && path.file_name().is_some_and(|n| n.to_string_lossy().starts_with(TEMPORARY)) {
                files.push(path);
            }
        }
        files.sort();
        Ok(files)
    }

    /// Writes `bytes` to `relative` (under a temporary name until the commit).
    pub fn write(&mut self, relative: &str, bytes: &[u8]) -> Result<(), PublishError> {
        let target = self.out.join(relative);
        let dir = target.parent().unwrap_or(&self.out).to_path_buf();
        std::fs::create_dir_all(&dir).map_err(io_error(&dir))?;
        let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let temporary = dir.join(format!("{TEMPORARY}{}-{name}", std::process::id()));
        std::fs::write(&temporary, bytes).map_err(io_error(&temporary))?;
        self.pending.push((temporary, target));
        self.written.push(WrittenFile { path: relative.to_string(), bytes: bytes.len() as u64, sha256: sha256_hex(bytes) });
        Ok(())
    }

    /// The files written so far.
    pub fn written(&self) -> &[WrittenFile] {
        &self.written
    }

    /// Renames every file into place and removes the previous publication's files that this
    /// one did not write.
    pub fn commit(self) -> Result<Vec<WrittenFile>, PublishError> {
        let new: BTreeSet<PathBuf> = self.pending.iter().map(|(_, target)| target.clone()).collect();
        let stale: Vec<PathBuf> = self.existing()?.into_iter().filter(|f| !new.contains(f) && !f.file_name().is_some_and(|n| n.to_string_lossy().starts_with(TEMPORARY))).collect();
        for (temporary, target) in &self.pending {
            std::fs::rename(temporary, target).map_err(io_error(target))?;
        }
        for file in stale {
            std::fs::remove_file(&file).map_err(io_error(&file))?;
        }
        Ok(self.written)
    }
}
