//! The connection under the HTTP server. actix-http answers a request it cannot even read
//! (a malformed request line or header, 400; a header section over its buffer, 431; headers
//! too slow to arrive, 408) itself, before any application code runs, with an empty body and
//! no hook to give it one. Clients are promised problem+json on every error, so the
//! connection's writes are watched for exactly those bodyless answers (a status line, then only
//! `content-length: 0`, `connection: close` and `date`, which no application response is: they
//! all carry a content type and a request id) and each is sent as a problem+json instead.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// A connection whose bodyless transport-level error answers become problem+json.
pub struct ProblemIo<T> {
    inner: T,
    /// A rewritten answer still being written, and how much of it has gone.
    pending: Option<(Vec<u8>, usize)>,
}

impl<T> ProblemIo<T> {
    pub fn new(inner: T) -> Self {
        ProblemIo {
            inner,
            pending: None,
        }
    }
}

impl<T: AsyncWrite + Unpin> ProblemIo<T> {
    fn poll_drain(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while let Some((bytes, sent)) = &mut self.pending {
            if *sent == bytes.len() {
                self.pending = None;
                break;
            }
            match Pin::new(&mut self.inner).poll_write(cx, &bytes[*sent..]) {
                Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Poll::Ready(Ok(n)) => *sent += n,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            }
        }
        Poll::Ready(Ok(()))
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for ProblemIo<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for ProblemIo<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        match this.poll_drain(cx) {
            Poll::Ready(Ok(())) => {}
            other => return other.map(|r| r.map(|()| 0)),
        }
        if let Some(answer) = as_problem(buf) {
            this.pending = Some((answer, 0));
            // The original counts as written; its replacement drains here or on the flush
            // that follows every write.
            if let Poll::Ready(Err(e)) = this.poll_drain(cx) {
                return Poll::Ready(Err(e));
            }
            return Poll::Ready(Ok(buf.len()));
        }
        Pin::new(&mut this.inner).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        match this.poll_drain(cx) {
            Poll::Ready(Ok(())) => Pin::new(&mut this.inner).poll_flush(cx),
            other => other,
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        match this.poll_drain(cx) {
            Poll::Ready(Ok(())) => Pin::new(&mut this.inner).poll_shutdown(cx),
            other => other,
        }
    }
}

/// The problem+json answer for `written`, when it is one of actix-http's bodyless error
/// answers and nothing else.
fn as_problem(written: &[u8]) -> Option<Vec<u8>> {
    let head = written.strip_suffix(b"\r\n\r\n")?;
    let head = std::str::from_utf8(head).ok()?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next()?;
    let status = status_line
        .strip_prefix("HTTP/1.1 ")
        .or_else(|| status_line.strip_prefix("HTTP/1.0 "))?;
    // The request was never read, so neither is its Accept-Language: the answer is in the
    // default language, zh-CN, and says so.
    let (slug, title, detail) = match status.get(..3)? {
        "400" => ("bad-request", "请求格式错误", "无法读取请求行或请求头。"),
        "408" => ("request-timeout", "请求超时", "请求头未在限定时间内到达。"),
        "431" => (
            "request-header-fields-too-large",
            "请求头过大",
            "请求行和请求头超过了服务器读取的上限。",
        ),
        _ => return None,
    };
    let mut date = None;
    let mut empty = false;
    for line in lines {
        let (name, value) = line.split_once(": ")?;
        match name.to_ascii_lowercase().as_str() {
            "content-length" if value == "0" => empty = true,
            "connection" if value == "close" => {}
            "date" => date = Some(value),
            _ => return None,
        }
    }
    if !empty {
        return None;
    }
    let code = &status[..3];
    let body = format!(
        r#"{{"type":"urn:kefu:problem:{slug}","title":"{title}","status":{code},"detail":"{detail}"}}"#
    );
    let mut answer = format!(
        "{status_line}\r\ncontent-type: application/problem+json\r\ncontent-language: zh-CN\r\ncontent-length: {}\r\nconnection: close\r\n",
        body.len()
    );
    if let Some(date) = date {
        answer.push_str(&format!("date: {date}\r\n"));
    }
    answer.push_str("\r\n");
    answer.push_str(&body);
    Some(answer.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actix_bodyless_errors_become_problem_json() {
        let raw = b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\nconnection: close\r\ndate: Mon, 07 Dec 2026 09:00:00 GMT\r\n\r\n";
        let answer = String::from_utf8(as_problem(raw).unwrap()).unwrap();
        let (head, body) = answer.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 431 Request Header Fields Too Large\r\n"));
        assert!(head.contains("content-type: application/problem+json\r\n"));
        assert!(head.contains(&format!("content-length: {}\r\n", body.len())));
        assert!(head.contains("date: Mon, 07 Dec 2026 09:00:00 GMT"));
        let v: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(
            v["type"],
            "urn:kefu:problem:request-header-fields-too-large"
        );
        assert_eq!(v["status"], 431);
        let raw = b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\ndate: x\r\n\r\n";
        assert!(as_problem(raw).is_some());
    }

    #[test]
    fn application_answers_pass_untouched() {
        // The application's errors carry a type and a request id; successes are never 4xx.
        for raw in [
            &b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\ncontent-type: application/problem+json\r\ndate: x\r\n\r\n"[..],
            b"HTTP/1.1 400 Bad Request\r\ncontent-length: 12\r\nconnection: close\r\ndate: x\r\n\r\n",
            b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\ndate: x\r\n\r\n",
            b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\ndate: x\r\n\r\n{}",
            b"{\"items\": []}",
        ] {
            assert!(as_problem(raw).is_none(), "{}", String::from_utf8_lossy(raw));
        }
    }
}
