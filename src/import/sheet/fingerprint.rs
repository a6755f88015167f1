//! A file's bytes summarised in one pass before the file is read as a sheet: its SHA-256 for the
//! batch, its size for a progress bar, and what decides how it is read (workbook or text, and for
//! text whether it is UTF-8).

use std::io::Read;
use std::path::Path;

use sha2::{Digest, Sha256};

use super::{open_input, unreadable};
use crate::error::Result;

/// What one pass over a file's bytes found.
#[derive(Debug, Clone)]
pub struct Fingerprint {
    pub sha256: String,
    pub len: u64,
    /// Whether the whole file is valid UTF-8, which decides the encoding when there is no BOM.
    pub valid_utf8: bool,
    /// Starts as a workbook does: a zip (.xlsx, .ods) or an OLE file (Excel 97-2003 .xls).
    pub workbook: bool,
}

/// Reads the whole file once, in chunks, so that neither the hash nor the encoding check keeps
/// the file in memory.
pub fn fingerprint(path: &Path) -> Result<Fingerprint> {
    let mut file = open_input(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut carry: Vec<u8> = Vec::new();
    let (mut len, mut valid_utf8, mut first) = (0u64, true, true);
    let mut workbook = false;
    loop {
        let n = file.read(&mut buf).map_err(|e| unreadable(path, &e))?;
        if n == 0 {
            break;
        }
        let chunk = &buf[..n];
        if first {
            workbook = chunk.starts_with(b"PK\x03\x04") || chunk.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1");
            first = false;
        }
        hasher.update(chunk);
        len += n as u64;
        if valid_utf8 {
            carry.extend_from_slice(chunk);
            match std::str::from_utf8(&carry) {
                Ok(_) => carry.clear(),
                // A character cut by the chunk's end: keep its first bytes for the next chunk.
                Err(e) if e.error_len().is_none() => {
                    carry.drain(..e.valid_up_to());
                }
                Err(_) => valid_utf8 = false,
            }
        }
    }
    let sha256 = hasher.finalize().iter().map(|b| format!("{b:02x}")).collect();
    Ok(Fingerprint { sha256, len, valid_utf8: valid_utf8 && carry.is_empty(), workbook })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_character_cut_by_a_chunk_boundary_is_still_utf8() {
        let mut text = String::from("工号,姓名\n");
        while text.len() < (1 << 16) + 10 {
            text.push_str("0001,王建国\n");
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.csv");
        std::fs::write(&path, &text).unwrap();
        assert!(fingerprint(&path).unwrap().valid_utf8);
    }
}
