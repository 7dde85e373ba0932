//! A Lambda Runtime API on loopback: hands out invocations in order, records the function's answers
//! and when each invocation was handed out and answered. The end-to-end tests and the cold-start
//! benchmark (benches/cold_start.rs, which includes this file) share it.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use serde_json::Value;
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const NEXT: &str = "/2018-06-01/runtime/invocation/next";

/// Epoch milliseconds `left` from now, as Lambda gives an invocation's deadline.
pub fn deadline_in(left: Duration) -> u64 {
    (SystemTime::now() + left)
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

/// One answer of the function: its request id, `response` or `error`, the body, and when it arrived.
#[derive(Debug, Clone)]
pub struct Answer {
    pub request_id: String,
    pub kind: String,
    pub body: Value,
    pub at: Instant,
}

/// Hands out `payloads` in turn, as invocations `req-0`, `req-1`, …, `count` of them in all.
struct Invocations {
    payloads: Vec<Vec<u8>>,
    count: usize,
    /// When each invocation was handed out, in order.
    handed: Arc<Mutex<Vec<Instant>>>,
}

impl Respond for Invocations {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let mut handed = self.handed.lock().unwrap();
        let n = handed.len();
        if n >= self.count {
            // Nothing more to do: the function waits, as it would between invocations.
            return ResponseTemplate::new(200).set_delay(Duration::from_secs(600));
        }
        handed.push(Instant::now());
        ResponseTemplate::new(200)
            .insert_header("lambda-runtime-aws-request-id", format!("req-{n}").as_str())
            .insert_header(
                "lambda-runtime-deadline-ms",
                deadline_in(Duration::from_secs(30)).to_string().as_str(),
            )
            .insert_header(
                "lambda-runtime-invoked-function-arn",
                "arn:aws:lambda:us-east-1:123456789012:function:dms-assessment-run",
            )
            .insert_header(
                "lambda-runtime-trace-id",
                "Root=1-00000000-000000000000000000000000",
            )
            .set_body_raw(
                self.payloads[n % self.payloads.len()].clone(),
                "application/json",
            )
    }
}

struct Record(Arc<Mutex<Vec<Answer>>>);

impl Respond for Record {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let parts: Vec<&str> = request.url.path().rsplitn(3, '/').collect();
        self.0.lock().unwrap().push(Answer {
            request_id: parts[1].to_owned(),
            kind: parts[0].to_owned(),
            body: serde_json::from_slice(&request.body).unwrap_or(Value::Null),
            at: Instant::now(),
        });
        ResponseTemplate::new(202)
    }
}

/// The Runtime API server and what the function answered.
pub struct RuntimeApi {
    pub server: MockServer,
    answers: Arc<Mutex<Vec<Answer>>>,
    handed: Arc<Mutex<Vec<Instant>>>,
}

impl RuntimeApi {
    /// Serves `count` invocations cycling through `payloads` (raw bytes, as Lambda passes them on).
    pub async fn start(payloads: Vec<Vec<u8>>, count: usize) -> RuntimeApi {
        let server = MockServer::builder()
            .disable_request_recording()
            .start()
            .await;
        let answers = Arc::new(Mutex::new(Vec::new()));
        let handed = Arc::new(Mutex::new(Vec::new()));
        Mock::given(method("GET"))
            .and(path(NEXT))
            .respond_with(Invocations {
                payloads,
                count,
                handed: handed.clone(),
            })
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path_regex(
                r"^/2018-06-01/runtime/invocation/[^/]+/(response|error)$",
            ))
            .respond_with(Record(answers.clone()))
            .mount(&server)
            .await;
        RuntimeApi {
            server,
            answers,
            handed,
        }
    }

    /// The `host:port` for `AWS_LAMBDA_RUNTIME_API`.
    pub fn address(&self) -> String {
        self.server.address().to_string()
    }

    /// How many answers have arrived.
    pub fn answered(&self) -> usize {
        self.answers.lock().unwrap().len()
    }

    /// Waits for `expected` answers (a minute at most) and returns them.
    pub async fn answers(&self, expected: usize) -> Vec<Answer> {
        let began = Instant::now();
        while self.answered() < expected {
            assert!(
                began.elapsed() < Duration::from_secs(60),
                "only {} of {expected} answers arrived",
                self.answered()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        self.answers.lock().unwrap().clone()
    }

    /// When each invocation was handed out so far, in order; the first also ends the function's init.
    pub fn handed(&self) -> Vec<Instant> {
        self.handed.lock().unwrap().clone()
    }

    /// The answer to invocation `req-{n}`.
    pub fn answer(&self, n: usize) -> Answer {
        let id = format!("req-{n}");
        let answers = self.answers.lock().unwrap();
        answers
            .iter()
            .find(|a| a.request_id == id)
            .cloned()
            .unwrap_or_else(|| panic!("no answer for {id}"))
    }
}
