//! A loopback HTTP server that misbehaves on cue, for the faults a mock server cannot play: a
//! connection dropped after the request, a truncated body. Each connection takes the next act.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// DescribeApplicableIndividualAssessments' answer: every individual assessment the samples name.
const APPLICABLE: &str = r#"{"IndividualAssessmentNames": ["mysql-check-binlog-format", "mysql-check-server-id", "mysql-check-target-privileges"]}"#;

/// What the server does with one request.
#[derive(Debug, Clone)]
pub enum Act {
    /// A complete answer.
    Answer { status: u16, body: String },
    /// Reads the request, then closes the connection without a word.
    Drop,
    /// Announces `body`'s full length, sends only its first `sent` bytes, and closes.
    Truncate {
        status: u16,
        body: String,
        sent: usize,
    },
}

/// The server; `requests` are the bodies received, in order.
pub struct FaultServer {
    pub url: String,
    requests: Arc<Mutex<Vec<(String, String)>>>,
}

impl FaultServer {
    /// Serves `acts` in order; the last act repeats for any further request.
    pub async fn start(acts: Vec<Act>) -> FaultServer {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let url = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let served = Arc::new(AtomicUsize::new(0));
        let log = requests.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (acts, log, served) = (acts.clone(), log.clone(), served.clone());
                tokio::spawn(async move { serve(stream, &acts, &log, &served).await });
            }
        });
        FaultServer { url, requests }
    }

    /// (X-Amz-Target, body) of every request received.
    pub fn requests(&self) -> Vec<(String, String)> {
        self.requests.lock().unwrap().clone()
    }
}

async fn serve(
    mut stream: TcpStream,
    acts: &[Act],
    log: &Mutex<Vec<(String, String)>>,
    served: &AtomicUsize,
) {
    // Keep-alive: one connection may carry several requests.
    loop {
        let Some((target, body)) = read_request(&mut stream).await else {
            return;
        };
        // The check of IncludeOnly and Exclude names, answered with every name the samples give,
        // outside the acts: they play the start and the look-up.
        let act = if target.ends_with(".describeapplicableindividualassessments") {
            Act::Answer {
                status: 200,
                body: APPLICABLE.to_owned(),
            }
        } else {
            log.lock().unwrap().push((target, body));
            let n = served.fetch_add(1, Ordering::SeqCst);
            acts[n.min(acts.len() - 1)].clone()
        };
        let (status, body, sent) = match act {
            Act::Drop => return,
            Act::Answer { status, body } => {
                let len = body.len();
                (status, body, len)
            }
            Act::Truncate { status, body, sent } => (status, body, sent),
        };
        let head = format!(
            "HTTP/1.1 {status} X\r\ncontent-type: application/x-amz-json-1.1\r\ncontent-length: {}\r\n\r\n",
            body.len()
        );
        let _ = stream.write_all(head.as_bytes()).await;
        let _ = stream.write_all(&body.as_bytes()[..sent]).await;
        if sent < body.len() {
            return;
        }
    }
}

/// Reads one request's head and body; `None` when the peer closed the connection.
async fn read_request(stream: &mut TcpStream) -> Option<(String, String)> {
    let mut data = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        data.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&data[..head_end]).to_ascii_lowercase();
    let header = |name: &str| {
        head.lines().find_map(|line| {
            line.strip_prefix(&format!("{name}:"))
                .map(|v| v.trim().to_owned())
        })
    };
    let length: usize = header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    while data.len() < head_end + length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        data.extend_from_slice(&chunk[..n]);
    }
    let target = header("x-amz-target").unwrap_or_default();
    let body = String::from_utf8_lossy(&data[head_end..head_end + length]).into_owned();
    Some((target, body))
}
