//! A body streamed past the 64 KiB cap with no `Content-Length` is refused (413) without
//! being read on.
//!
//! Alone in its binary, run after the other suites of its worker: wrangler dev's local proxy
//! stalls the requests that follow (60 s) or drops those in flight ("Your worker restarted
//! mid-request") when a worker answers before reading a request body; the runtime behind it
//! and Cloudflare's edge do not (docs/api.md, `POST /api/comments`).

use saywhatwant_e2e::base_url;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

#[tokio::test]
async fn a_body_streamed_past_the_cap_is_refused_without_reading_on() {
    let url = base_url();
    let host = url.trim_start_matches("http://").trim_end_matches('/');
    let mut tcp = TcpStream::connect(host).await.expect("connect");
    let head = format!(
        "POST /api/comments HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n\
         Transfer-Encoding: chunked\r\nCF-Connecting-IP: 198.18.93.1\r\nConnection: close\r\n\r\n"
    );
    tcp.write_all(head.as_bytes()).await.expect("head");
    // 80 KiB in 1 KiB chunks, with no Content-Length to refuse it by.
    let chunk = format!("400\r\n{}\r\n", "x".repeat(1024));
    for _ in 0..80 {
        if tcp.write_all(chunk.as_bytes()).await.is_err() {
            break; // the worker stopped reading and closed: what we want
        }
    }
    let _ = tcp.write_all(b"0\r\n\r\n").await;
    let mut answer = String::new();
    let _ = tcp.read_to_string(&mut answer).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("payload_too_large"), "{answer}");
}
