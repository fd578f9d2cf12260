//! Reading a request body ahead of its handler (for `Idempotency-Key`): hashing it, and
//! keeping it to hand on — in memory for JSON bodies, in an unnamed temporary file for the
//! large bodies of uploads, so that a retried upload costs disk, not memory.

use actix_web::dev::Payload;
use actix_web::error::PayloadError;
use actix_web::web::{self, Bytes, BytesMut};
use futures_util::StreamExt;
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{self, Read, Seek, Write};

/// Bytes gathered before they are written to the file, and read back per chunk.
const CHUNK: usize = 256 << 10;

pub struct Spool {
    pending: BytesMut,
    file: Option<File>,
}

fn blocking_failed(e: impl std::fmt::Display) -> io::Error {
    io::Error::other(e.to_string())
}

impl Spool {
    pub fn in_memory() -> Spool {
        Spool {
            pending: BytesMut::new(),
            file: None,
        }
    }

    pub async fn on_disk() -> io::Result<Spool> {
        let file = web::block(tempfile::tempfile)
            .await
            .map_err(blocking_failed)??;
        Ok(Spool {
            pending: BytesMut::new(),
            file: Some(file),
        })
    }

    pub async fn push(&mut self, chunk: &[u8]) -> io::Result<()> {
        self.pending.extend_from_slice(chunk);
        if self.file.is_some() && self.pending.len() >= CHUNK {
            self.flush().await?;
        }
        Ok(())
    }

    async fn flush(&mut self) -> io::Result<()> {
        // Nothing pending must leave the file in place: a body whose last chunk filled the
        // buffer exactly was once handed on as empty here.
        if self.pending.is_empty() {
            return Ok(());
        }
        let Some(mut file) = self.file.take() else {
            return Ok(());
        };
        let bytes = self.pending.split().freeze();
        let file = web::block(move || file.write_all(&bytes).map(|()| file))
            .await
            .map_err(blocking_failed)??;
        self.file = Some(file);
        Ok(())
    }

    /// The body again, for the handler.
    pub async fn into_payload(mut self) -> io::Result<Payload> {
        self.flush().await?;
        let Some(mut file) = self.file.take() else {
            return Ok(Payload::from(self.pending.freeze()));
        };
        let file = web::block(move || file.rewind().map(|()| file))
            .await
            .map_err(blocking_failed)??;
        let chunks = futures_util::stream::unfold(Some(file), |file| async move {
            let mut file = file?;
            let read = web::block(move || {
                let mut buf = vec![0; CHUNK];
                let n = file.read(&mut buf)?;
                buf.truncate(n);
                Ok::<_, io::Error>((file, buf))
            })
            .await
            .map_err(blocking_failed);
            match read {
                Ok(Ok((_, buf))) if buf.is_empty() => None,
                Ok(Ok((file, buf))) => Some((Ok(Bytes::from(buf)), Some(file))),
                Ok(Err(e)) | Err(e) => Some((Err(PayloadError::Io(e)), None)),
            }
        });
        // Fused: a reader may poll again after the end, which `unfold` alone does not allow.
        Ok(Payload::Stream {
            payload: Box::pin(chunks.fuse()),
        })
    }
}

/// The SHA-256 a request is recognised by. A multipart body is hashed with its boundary
/// replaced by a fixed one: a client that rebuilds the same upload for a retry picks a new
/// random boundary, and that must not make the retry "a different request".
pub struct BodyHash {
    hasher: Sha256,
    delimiter: Vec<u8>,
    carry: Vec<u8>,
}

const CANONICAL_DELIMITER: &[u8] = b"--kefu-boundary";

impl BodyHash {
    pub fn new(multipart_boundary: Option<&str>) -> BodyHash {
        BodyHash {
            hasher: Sha256::new(),
            delimiter: multipart_boundary
                .filter(|b| !b.is_empty())
                .map(|b| format!("--{b}").into_bytes())
                .unwrap_or_default(),
            carry: Vec::new(),
        }
    }

    pub fn update(&mut self, chunk: &[u8]) {
        if self.delimiter.is_empty() {
            self.hasher.update(chunk);
            return;
        }
        self.carry.extend_from_slice(chunk);
        let n = self.delimiter.len();
        let mut start = 0;
        while let Some(pos) = find(&self.carry[start..], &self.delimiter) {
            self.hasher.update(&self.carry[start..start + pos]);
            self.hasher.update(CANONICAL_DELIMITER);
            start += pos + n;
        }
        // A delimiter may straddle chunks: keep what could be its beginning.
        let keep_from = start.max(self.carry.len().saturating_sub(n - 1));
        self.hasher.update(&self.carry[start..keep_from]);
        self.carry.drain(..keep_from);
    }

    pub fn finish(mut self) -> String {
        self.hasher.update(&self.carry);
        hex::encode(self.hasher.finalize())
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hash(boundary: Option<&str>, chunks: &[&[u8]]) -> String {
        let mut h = BodyHash::new(boundary);
        for c in chunks {
            h.update(c);
        }
        h.finish()
    }

    fn form(boundary: &str) -> Vec<u8> {
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nphoto\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.jpg\"\r\n\r\n\
             \u{ff}\u{d8}bytes\r\n--{boundary}--\r\n"
        )
        .into_bytes()
    }

    async fn replayed(spool: Spool) -> Vec<u8> {
        let mut payload = spool.into_payload().await.unwrap();
        let mut out = Vec::new();
        while let Some(chunk) = payload.next().await {
            out.extend_from_slice(&chunk.unwrap());
        }
        out
    }

    #[actix_web::test]
    async fn a_spooled_body_is_handed_on_whole_whatever_its_length() {
        for len in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 5 * CHUNK + 7] {
            let body: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            let mut spool = Spool::on_disk().await.unwrap();
            for piece in body.chunks(CHUNK / 2) {
                spool.push(piece).await.unwrap();
            }
            assert_eq!(replayed(spool).await.len(), len, "length {len}");
        }
        let mut spool = Spool::on_disk().await.unwrap();
        spool.push(&[7; CHUNK]).await.unwrap();
        assert_eq!(replayed(spool).await, vec![7; CHUNK]);
    }

    #[actix_web::test]
    async fn an_in_memory_body_is_handed_on_whole() {
        let mut spool = Spool::in_memory();
        spool.push(b"{\"a\":").await.unwrap();
        spool.push(b"1}").await.unwrap();
        assert_eq!(replayed(spool).await, b"{\"a\":1}");
    }

    #[test]
    fn without_a_boundary_it_is_the_plain_sha256() {
        assert_eq!(
            hash(None, &[b"{\"a\":", b"1}"]),
            hex::encode(Sha256::digest(b"{\"a\":1}"))
        );
    }

    #[test]
    fn the_same_form_with_another_boundary_hashes_the_same_whatever_the_chunking() {
        let a = form("XyZ123");
        let b = form("------WebKitFormBoundary7MA4YWxkTrZu0gW");
        let whole = hash(Some("XyZ123"), &[&a]);
        assert_eq!(
            whole,
            hash(Some("------WebKitFormBoundary7MA4YWxkTrZu0gW"), &[&b])
        );
        for cut in 1..a.len() {
            assert_eq!(
                hash(Some("XyZ123"), &[&a[..cut], &a[cut..]]),
                whole,
                "{cut}"
            );
        }
        let bytes: Vec<&[u8]> = a.chunks(1).collect();
        assert_eq!(hash(Some("XyZ123"), &bytes), whole);
    }

    #[test]
    fn a_different_file_hashes_differently() {
        let a = form("b1");
        let mut b = form("b1");
        let at = b.len() - 12;
        b[at] ^= 1;
        assert_ne!(hash(Some("b1"), &[&a]), hash(Some("b1"), &[&b]));
    }
}
