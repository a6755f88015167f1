//! Text files as UTF-8: which encoding a file is in (a BOM, `--encoding`, else UTF-8 when the
//! whole file is valid UTF-8 and GB18030 when not), a reader that decodes as it goes, CRLF made
//! LF for exact line numbers, and whether the text is comma- or tab-separated.

use std::io::{self, BufReader, Read};
use std::path::Path;

use encoding_rs::{Decoder, GB18030, UTF_8};

use super::fingerprint::Fingerprint;
use super::header::HEADER_SEARCH_ROWS;
use super::{open_input, unreadable, Options};
use crate::error::Result;

/// The encoding the user says a text file is in (`--encoding`; a BOM still decides over it):
/// `auto` is UTF-8 when the whole file is valid UTF-8, else GB18030. The command line takes its
/// words from here, so that the reader does not depend on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Encoding {
    // No doc comments on the variants: clap would print them and change `--help`.
    Auto,
    #[value(name = "utf-8", alias = "utf8")]
    Utf8,
    #[value(name = "gb18030", alias = "gbk")]
    Gb18030,
}

/// The encoding to read a text file in: a BOM decides, then `--encoding`, then UTF-8 if the whole
/// file is valid UTF-8, else GB18030 (what Chinese Excel and WPS write).
fn choose_encoding(head: &[u8], options: &Options, fp: &Fingerprint) -> (&'static encoding_rs::Encoding, usize) {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(head) {
        return (enc, bom);
    }
    match options.encoding {
        Some(Encoding::Utf8) => (UTF_8, 0),
        Some(Encoding::Gb18030) => (GB18030, 0),
        Some(Encoding::Auto) | None if fp.valid_utf8 => (UTF_8, 0),
        Some(Encoding::Auto) | None => (GB18030, 0),
    }
}

/// A reader of UTF-8 text: the file itself when it is UTF-8 (past any BOM), else a decoder.
pub(super) fn decoding_reader(path: &Path, options: &Options, fp: &Fingerprint) -> Result<Box<dyn Read + Send>> {
    let mut file = BufReader::with_capacity(1 << 16, open_input(path)?);
    let mut head = [0u8; 3];
    let mut got = 0;
    while got < head.len() {
        let n = file.read(&mut head[got..]).map_err(|e| unreadable(path, &e))?;
        if n == 0 {
            break;
        }
        got += n;
    }
    let (encoding, bom) = choose_encoding(&head[..got], options, fp);
    let rest: Box<dyn Read + Send> = Box::new(io::Cursor::new(head[bom..got].to_vec()).chain(file));
    if encoding == UTF_8 {
        return Ok(Box::new(Newlines::new(rest)));
    }
    Ok(Box::new(Newlines::new(Box::new(Decoding::new(encoding.new_decoder_without_bom_handling(), rest)))))
}

/// Turns CRLF into LF and ends the text with an LF. The csv reader counts lines by LF and ends a
/// record at the CR, so with CRLF it would report the line before a record's; with every record
/// ended by an LF alone, its count after a record is exact.
struct Newlines {
    inner: Box<dyn Read + Send>,
    /// A CR that ended the previous chunk: dropped if the next byte is LF.
    held_cr: bool,
    /// Whether the last byte handed out was an LF (or nothing was).
    ended: bool,
}

impl Newlines {
    fn new(inner: Box<dyn Read + Send>) -> Newlines {
        Newlines { inner, held_cr: false, ended: true }
    }
}

impl Read for Newlines {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.len() < 2 {
            return self.inner.read(buf);
        }
        loop {
            let start = usize::from(self.held_cr);
            if self.held_cr {
                buf[0] = b'\r';
            }
            let n = self.inner.read(&mut buf[start..])?;
            if n == 0 {
                if self.held_cr {
                    self.held_cr = false;
                    self.ended = false;
                    return Ok(1);
                }
                if !self.ended {
                    buf[0] = b'\n';
                    self.ended = true;
                    return Ok(1);
                }
                return Ok(0);
            }
            let end = start + n;
            let mut out = 0;
            for i in 0..end {
                let b = buf[i];
                if b == b'\r' && buf.get(i + 1) == Some(&b'\n') && i + 1 < end {
                    continue;
                }
                buf[out] = b;
                out += 1;
            }
            // A CR at the chunk's end may be half of a CRLF: decide when the next byte comes.
            self.held_cr = out > 0 && buf[out - 1] == b'\r';
            if self.held_cr {
                out -= 1;
            }
            if out > 0 {
                self.ended = buf[out - 1] == b'\n';
                return Ok(out);
            }
        }
    }
}

/// Commas, or tabs when the top of the text has more tabs than commas: Excel's "Unicode text"
/// (UTF-16 with tabs) and many systems' exports are tab-separated. Returns the whole text again.
pub(super) fn sniff_delimiter(mut text: Box<dyn Read + Send>) -> io::Result<(u8, Box<dyn Read + Send>)> {
    let mut head = vec![0u8; 1 << 14];
    let mut got = 0;
    while got < head.len() {
        let n = text.read(&mut head[got..])?;
        if n == 0 {
            break;
        }
        got += n;
    }
    head.truncate(got);
    let top: Vec<u8> = head.split(|&b| b == b'\n').take(HEADER_SEARCH_ROWS + 5).flatten().copied().collect();
    let count = |c: u8| top.iter().filter(|&&b| b == c).count();
    let delimiter = if count(b'\t') > count(b',') { b'\t' } else { b',' };
    Ok((delimiter, Box::new(io::Cursor::new(head).chain(text))))
}

/// Decodes a byte stream into UTF-8 as it is read, a chunk at a time.
struct Decoding {
    decoder: Decoder,
    inner: Box<dyn Read + Send>,
    input: Vec<u8>,
    /// Undecoded input bytes: `input[in_start..in_end]`.
    in_start: usize,
    in_end: usize,
    output: Vec<u8>,
    /// Decoded bytes not yet handed out: `output[start..end]`.
    start: usize,
    end: usize,
    eof: bool,
    done: bool,
}

impl Decoding {
    fn new(decoder: Decoder, inner: Box<dyn Read + Send>) -> Decoding {
        Decoding {
            decoder,
            inner,
            input: vec![0; 1 << 16],
            in_start: 0,
            in_end: 0,
            output: vec![0; 1 << 17],
            start: 0,
            end: 0,
            eof: false,
            done: false,
        }
    }
}

impl Read for Decoding {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.start == self.end && !self.done {
            if self.in_start == self.in_end && !self.eof {
                let n = self.inner.read(&mut self.input)?;
                self.in_start = 0;
                self.in_end = n;
                self.eof = n == 0;
            }
            // Malformed sequences become U+FFFD, which no name or code matches, so a row with
            // them is reported rather than silently dropped.
            let (result, read, written, _) =
                self.decoder.decode_to_utf8(&self.input[self.in_start..self.in_end], &mut self.output, self.eof);
            self.in_start += read;
            self.start = 0;
            self.end = written;
            self.done = self.eof && result == encoding_rs::CoderResult::InputEmpty;
        }
        let n = buf.len().min(self.end - self.start);
        buf[..n].copy_from_slice(&self.output[self.start..self.start + n]);
        self.start += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crlf_split_across_reads_is_one_line_end() {
        let joined = b"a\r\nb\rc\r\nd".to_vec();
        let mut r = Newlines::new(Box::new(io::Cursor::new(joined)));
        let mut out = Vec::new();
        let mut buf = [0u8; 2];
        loop {
            let n = r.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            out.extend_from_slice(&buf[..n]);
        }
        assert_eq!(out, b"a\nb\rc\nd\n");
    }
}
