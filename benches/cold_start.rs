//! Cold start, first invocation, warm overhead and peak memory of the function against the smallest
//! `lambda_runtime` function (benches/baseline.rs), both built by `cargo lambda build --release`.
//!
//! `cargo bench --bench cold_start -- [--runs N] [--warm N] [--json FILE] [--skip-build]
//! [--baseline PATH] [--cold-cache]`
//!
//! `--baseline PATH` measures against that binary instead of benches/baseline.rs (which is then not
//! built): a bare function built elsewhere, with other dependencies or another profile.
//!
//! `--cold-cache` evicts each binary's file from the page cache (`posix_fadvise(POSIX_FADV_DONTNEED)`)
//! before every start, so that the process reads its code from storage, as a first start after
//! deployment does; it checks that none of the file's pages are left resident (`mincore`). Without
//! it the same two binaries run over and over from the page cache.
//!
//! Each run starts a fresh process as template.yaml deploys it (Lambda's environment, JSON logs at
//! INFO read through a pipe; see [`LAMBDA_ENVIRONMENT`]) under the end-to-end tests' Lambda Runtime
//! API on loopback (tests/common/runtime_api.rs) and measures: init (process start to its first
//! `GET /runtime/invocation/next`), first invocation (event handed over to response received),
//! warm overhead (the median latency of the following invocations), both less the time spent inside
//! the loopback DMS, and peak RSS (`VmHWM`). The two binaries run in turn; the table gives medians,
//! min–max and the ratios, then whether each target (README, docs/cold-start.md) is met.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

// The end-to-end tests' Runtime API fake, of which the benchmark uses a part.
#[allow(dead_code)]
#[path = "../tests/common/runtime_api.rs"]
mod runtime_api;

use runtime_api::RuntimeApi;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const TASK: &str =
    "arn:aws:dms:us-east-1:123456789012:task:AAAABBBB0CCCCDDDDEEEEE1FFFF2GGG3FFFFFF3";

struct Options {
    runs: usize,
    warm: usize,
    json: Option<PathBuf>,
    build: bool,
    /// A baseline binary built elsewhere, instead of benches/baseline.rs.
    baseline: Option<PathBuf>,
    /// Evict each binary from the page cache before every start.
    cold_cache: bool,
}

fn options() -> Options {
    let mut options = Options {
        runs: 50,
        warm: 300,
        json: None,
        build: true,
        baseline: None,
        cold_cache: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--runs" => options.runs = args.next().and_then(|n| n.parse().ok()).expect("--runs N"),
            "--warm" => options.warm = args.next().and_then(|n| n.parse().ok()).expect("--warm N"),
            "--json" => options.json = Some(args.next().expect("--json FILE").into()),
            "--skip-build" => options.build = false,
            "--baseline" => options.baseline = Some(args.next().expect("--baseline PATH").into()),
            "--cold-cache" => options.cold_cache = true,
            "--bench" => {}
            other => panic!("unknown argument {other}"),
        }
    }
    options
}

fn cargo_lambda(args: &[&str]) {
    let status = Command::new("cargo")
        .current_dir(ROOT)
        .args(["lambda", "build", "--release"])
        .args(args)
        .status()
        .expect("cargo lambda is installed (pip install cargo-lambda)");
    assert!(status.success(), "cargo lambda build {args:?} failed");
}

/// The environment Lambda gives the function as template.yaml deploys it, less the addresses of the
/// Runtime API and DMS, which are on loopback: what Lambda itself sets for a function on
/// `provided.al2023` ("Defined runtime environment variables" in the Lambda Developer Guide;
/// `AWS_EXECUTION_ENV` is not set for OS-only runtimes), the logging configuration (`LogFormat:
/// JSON`, `ApplicationLogLevel: INFO`, the template's default) and the template's variables at their
/// defaults. The baseline gets the same.
const LAMBDA_ENVIRONMENT: &[(&str, &str)] = &[
    ("AWS_LAMBDA_FUNCTION_NAME", "dms-assessment-run"),
    ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128"),
    ("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST"),
    ("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand"),
    (
        "AWS_LAMBDA_LOG_GROUP_NAME",
        "/aws/lambda/dms-assessment-run",
    ),
    (
        "AWS_LAMBDA_LOG_STREAM_NAME",
        "2026/11/27/[$LATEST]0123456789abcdef0123456789abcdef",
    ),
    ("AWS_LAMBDA_LOG_FORMAT", "JSON"),
    ("AWS_LAMBDA_LOG_LEVEL", "INFO"),
    ("AWS_REGION", "us-east-1"),
    ("AWS_DEFAULT_REGION", "us-east-1"),
    ("AWS_ACCESS_KEY_ID", "ASIABENCHBENCHBENCH00"),
    ("AWS_SECRET_ACCESS_KEY", "bench-secret-access-key"),
    ("AWS_SESSION_TOKEN", "bench-session-token"),
    ("AWS_XRAY_CONTEXT_MISSING", "LOG_ERROR"),
    ("AWS_XRAY_DAEMON_ADDRESS", "169.254.79.129:2000"),
    ("_AWS_XRAY_DAEMON_ADDRESS", "169.254.79.129"),
    ("_AWS_XRAY_DAEMON_PORT", "2000"),
    ("_HANDLER", "bootstrap"),
    ("LAMBDA_TASK_ROOT", "/var/task"),
    ("LAMBDA_RUNTIME_DIR", "/var/runtime"),
    ("LANG", "en_US.UTF-8"),
    ("TZ", ":UTC"),
    ("PATH", "/usr/local/bin:/usr/bin/:/bin:/opt/bin"),
    (
        "LD_LIBRARY_PATH",
        "/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib",
    ),
    // template.yaml's variables, its parameters at their defaults (a role and a bucket given).
    (
        "SERVICE_ACCESS_ROLE_ARN",
        "arn:aws:iam::123456789012:role/dms-premigration-assessment",
    ),
    (
        "RESULT_LOCATION_BUCKET",
        "dms-assessment-results-123456789012",
    ),
    ("RESULT_LOCATION_FOLDER", ""),
    ("RESULT_ENCRYPTION_MODE", "SSE_S3"),
    ("RESULT_KMS_KEY_ARN", ""),
    ("ASSESSMENT_RUN_NAME_PREFIX", "assessment"),
    ("INCLUDE_ONLY", ""),
    ("EXCLUDE", ""),
];

/// The loopback DMS: starts every run, and records how long it spent on each call.
struct Dms(Arc<Mutex<Vec<Duration>>>);

impl Respond for Dms {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let began = Instant::now();
        let input: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
        let body = json!({"ReplicationTaskAssessmentRun": {
            "ReplicationTaskAssessmentRunArn": "arn:aws:dms:us-east-1:123456789012:assessment-run:RUN",
            "ReplicationTaskArn": input["ReplicationTaskArn"],
            "Status": "starting",
            "ReplicationTaskAssessmentRunCreationDate": 1764175200.123,
            "AssessmentRunName": input["AssessmentRunName"],
            "IsLatestTaskAssessmentRun": true
        }});
        let response =
            ResponseTemplate::new(200).set_body_raw(body.to_string(), "application/x-amz-json-1.1");
        self.0.lock().unwrap().push(began.elapsed());
        response
    }
}

/// One fresh process: its init, first invocation and warm latencies (each less the time spent
/// inside the loopback DMS), peak RSS, and the log lines it wrote.
struct Sample {
    init: Duration,
    first: Duration,
    warm: Vec<Duration>,
    peak_rss_kib: u64,
    log_lines: usize,
}

/// Drops the file's pages from the page cache, and checks that none is left resident.
fn evict(binary: &Path) {
    use std::os::fd::AsRawFd;
    let file = std::fs::File::open(binary).expect("open the binary");
    file.sync_all().expect("write the binary out"); // dirty pages are not dropped
    let len = file.metadata().unwrap().len() as usize;
    let fd = file.as_raw_fd();
    // SAFETY: plain system calls on an open descriptor, and on a read-only mapping of `len` bytes
    // that is unmapped before it returns; `resident` has one byte per page of it.
    let resident = unsafe {
        assert_eq!(libc::posix_fadvise(fd, 0, 0, libc::POSIX_FADV_DONTNEED), 0);
        let map = libc::mmap(
            std::ptr::null_mut(),
            len,
            libc::PROT_READ,
            libc::MAP_SHARED,
            fd,
            0,
        );
        assert_ne!(map, libc::MAP_FAILED, "mmap the binary");
        let page = libc::sysconf(libc::_SC_PAGESIZE) as usize;
        let mut pages = vec![0u8; len.div_ceil(page)];
        assert_eq!(libc::mincore(map, len, pages.as_mut_ptr()), 0, "mincore");
        libc::munmap(map, len);
        pages.iter().filter(|p| *p & 1 == 1).count()
    };
    assert_eq!(
        resident,
        0,
        "{} still has pages in the page cache",
        binary.display()
    );
}

async fn run_once(binary: &Path, warm: usize, cold_cache: bool) -> Sample {
    let payload =
        serde_json::to_vec(&json!({"ReplicationTaskArn": TASK, "IdempotencyKey": "bench"}))
            .unwrap();
    let count = warm + 1;
    let runtime = RuntimeApi::start(vec![payload], count).await;
    let dms = MockServer::builder()
        .disable_request_recording()
        .start()
        .await;
    let in_dms = Arc::new(Mutex::new(Vec::new()));
    Mock::given(method("POST"))
        .respond_with(Dms(in_dms.clone()))
        .mount(&dms)
        .await;

    if cold_cache {
        evict(binary);
    }
    let started = Instant::now();
    let mut process = Command::new(binary)
        .env_clear()
        .envs(LAMBDA_ENVIRONMENT.iter().copied())
        .env("AWS_LAMBDA_RUNTIME_API", runtime.address())
        .env("AWS_ENDPOINT_URL_DATABASE_MIGRATION_SERVICE", dms.uri())
        // Lambda reads the function's output through a pipe; so does the benchmark.
        .stdout(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let stdout = process.stdout.take().expect("piped stdout");
    let logs = std::thread::spawn(move || BufReader::new(stdout).lines().count());

    let answers = runtime.answers(count).await;
    let status = std::fs::read_to_string(format!("/proc/{}/status", process.id())).unwrap();
    let peak_rss_kib = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM");
    process.kill().ok();
    process.wait().ok();
    let log_lines = logs.join().expect("the log reader");

    let handed = runtime.handed();
    let in_dms = in_dms.lock().unwrap();
    // One invocation at a time: the answers arrive in order, each after at most one DMS call.
    let latency = |i: usize| {
        (answers[i].at - handed[i]).saturating_sub(in_dms.get(i).copied().unwrap_or_default())
    };
    Sample {
        init: handed[0] - started,
        first: latency(0),
        warm: (1..count).map(latency).collect(),
        peak_rss_kib,
        log_lines,
    }
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len() % 2 == 0 {
        (values[mid - 1] + values[mid]) / 2.0
    } else {
        values[mid]
    }
}

/// Median, min and max of one measure over the runs.
#[derive(Clone, Copy)]
struct Stat {
    median: f64,
    min: f64,
    max: f64,
}

fn stat(mut values: Vec<f64>) -> Stat {
    let min = values.iter().copied().fold(f64::INFINITY, f64::min);
    let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    Stat {
        median: median(&mut values),
        min,
        max,
    }
}

struct Report {
    init_ms: Stat,
    first_ms: Stat,
    cold_ms: Stat,
    warm_ms: Stat,
    peak_rss_mib: Stat,
    binary_bytes: u64,
    /// Log lines written per invocation, over every run (a check that INFO logging is on).
    log_lines_per_invocation: f64,
}

/// Runs both binaries `options.runs` times, interleaved, so that a slow spell of the machine weighs
/// on both alike; one discarded run of each first brings both binaries into the page cache (or, with
/// `--cold-cache`, warms up the rest of the machinery only).
async fn measure(baseline: &Path, function: &Path, options: &Options) -> (Report, Report) {
    let cold = options.cold_cache;
    run_once(baseline, 1, cold).await;
    run_once(function, 1, cold).await;
    let (mut baseline_samples, mut function_samples) = (Vec::new(), Vec::new());
    for run in 0..options.runs {
        // Each binary goes first in every other pair, so that neither always follows the other's
        // teardown; a pause lets the previous run's servers wind down.
        if run % 2 == 0 {
            baseline_samples.push(run_once(baseline, options.warm, cold).await);
            settle().await;
            function_samples.push(run_once(function, options.warm, cold).await);
        } else {
            function_samples.push(run_once(function, options.warm, cold).await);
            settle().await;
            baseline_samples.push(run_once(baseline, options.warm, cold).await);
        }
        settle().await;
    }
    (
        report(baseline, &baseline_samples),
        report(function, &function_samples),
    )
}

async fn settle() {
    tokio::time::sleep(Duration::from_millis(20)).await;
}

fn report(binary: &Path, samples: &[Sample]) -> Report {
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    Report {
        init_ms: stat(samples.iter().map(|s| ms(s.init)).collect()),
        first_ms: stat(samples.iter().map(|s| ms(s.first)).collect()),
        cold_ms: stat(samples.iter().map(|s| ms(s.init + s.first)).collect()),
        warm_ms: stat(
            samples
                .iter()
                .map(|s| median(&mut s.warm.iter().map(|d| ms(*d)).collect::<Vec<_>>()))
                .collect(),
        ),
        peak_rss_mib: stat(
            samples
                .iter()
                .map(|s| s.peak_rss_kib as f64 / 1024.0)
                .collect(),
        ),
        binary_bytes: std::fs::metadata(binary).unwrap().len(),
        log_lines_per_invocation: samples.iter().map(|s| s.log_lines).sum::<usize>() as f64
            / samples.iter().map(|s| s.warm.len() + 1).sum::<usize>() as f64,
    }
}

/// The date and the machine the figures come from.
fn machine() -> String {
    let date = Command::new("date")
        .args(["-u", "+%Y-%m-%d"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|v| v.trim_start_matches([' ', '\t', ':']).to_owned())
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    format!("{date}, {cpu}, {cores} cores, {}", std::env::consts::ARCH)
}

/// Which binary the baseline is, for the report.
fn baseline_description(options: &Options) -> String {
    match &options.baseline {
        Some(path) => format!("{} (given with --baseline)", path.display()),
        None => "benches/baseline.rs, built with the function's release profile".into(),
    }
}

/// Whether the binaries start from the page cache, for the report.
fn page_cache(options: &Options) -> &'static str {
    if options.cold_cache {
        "cold (each binary evicted before every start, --cold-cache)"
    } else {
        "warm (the binaries stay cached between starts)"
    }
}

/// The targets the function is held to, each with the measured figure and whether it is met.
fn targets(baseline: &Report, function: &Report, zip_bytes: Option<u64>) -> Vec<(String, bool)> {
    let cold = function.cold_ms.median / baseline.cold_ms.median;
    let rss = function.peak_rss_mib.median / baseline.peak_rss_mib.median;
    let rss_mb = function.peak_rss_mib.median * 1024.0 * 1024.0 / 1e6;
    let warm = function.warm_ms.median - baseline.warm_ms.median;
    let mut verdicts = vec![
        (
            format!("cold start {cold:.2}× the baseline (at most 1.5×)"),
            cold <= 1.5,
        ),
        (
            format!("peak RSS {rss:.2}× the baseline (at most 2×), {rss_mb:.1} MB (under 10 MB)"),
            rss <= 2.0 && rss_mb < 10.0,
        ),
        (
            format!("warm overhead {warm:+.3} ms against the baseline (at most +0.5 ms)"),
            warm <= 0.5,
        ),
    ];
    if let Some(zip) = zip_bytes {
        verdicts.push((
            format!("deployment zip {:.2} MB (at most 3 MB)", zip as f64 / 1e6),
            zip <= 3_000_000,
        ));
    }
    verdicts
}

fn json_stat(s: Stat) -> Value {
    json!({"median": s.median, "min": s.min, "max": s.max})
}

fn main() {
    let options = options();
    let lambda_dir = Path::new(ROOT).join("target/lambda");
    if options.build {
        cargo_lambda(&["--bin", "dms-assessment-run"]);
        cargo_lambda(&["--bin", "dms-assessment-run", "--output-format", "zip"]);
        if options.baseline.is_none() {
            cargo_lambda(&["--bin", "baseline"]);
        }
    }
    let function_bin = lambda_dir.join("dms-assessment-run/bootstrap");
    let baseline_bin = options
        .baseline
        .clone()
        .unwrap_or_else(|| lambda_dir.join("baseline/bootstrap"));
    assert!(
        baseline_bin.is_file(),
        "no baseline at {}",
        baseline_bin.display()
    );
    let zip_bytes = std::fs::metadata(lambda_dir.join("dms-assessment-run/bootstrap.zip"))
        .map(|m| m.len())
        .ok();

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (baseline, function) = runtime.block_on(measure(&baseline_bin, &function_bin, &options));

    let row =
        |name: &str, b: Stat, f: Stat, unit: &str, decimals: usize| {
            println!(
            "| {name} | {:.d$} {unit} ({:.d$}–{:.d$}) | {:.d$} {unit} ({:.d$}–{:.d$}) | {:.2}× |",
            b.median, b.min, b.max, f.median, f.min, f.max, f.median / b.median, d = decimals
        );
        };
    println!(
        "\n{}\n{} fresh processes each, {} warm invocations per process; median (min–max)\n\
         baseline: {}\npage cache: {}\n",
        machine(),
        options.runs,
        options.warm,
        baseline_description(&options),
        page_cache(&options)
    );
    println!("| measure | baseline | function | function / baseline |");
    println!("| --- | --- | --- | --- |");
    row("init", baseline.init_ms, function.init_ms, "ms", 2);
    row(
        "first invocation",
        baseline.first_ms,
        function.first_ms,
        "ms",
        2,
    );
    row(
        "cold start (init + first)",
        baseline.cold_ms,
        function.cold_ms,
        "ms",
        2,
    );
    row(
        "warm overhead per invocation",
        baseline.warm_ms,
        function.warm_ms,
        "ms",
        3,
    );
    row(
        "peak RSS",
        baseline.peak_rss_mib,
        function.peak_rss_mib,
        "MiB",
        1,
    );
    let mib = |b: u64| b as f64 / (1024.0 * 1024.0);
    println!(
        "| stripped binary | {:.2} MiB | {:.2} MiB | {:.2}× |",
        mib(baseline.binary_bytes),
        mib(function.binary_bytes),
        function.binary_bytes as f64 / baseline.binary_bytes as f64
    );
    match zip_bytes {
        Some(zip) => println!("| deployment zip | | {:.2} MiB ({zip} bytes) | |", mib(zip)),
        None => println!("| deployment zip | | not built (run without --skip-build) | |"),
    }
    println!(
        "| log lines per invocation | {:.2} | {:.2} | |",
        baseline.log_lines_per_invocation, function.log_lines_per_invocation
    );
    println!(
        "\nwarm overhead above the baseline: {:.3} ms at the median",
        function.warm_ms.median - baseline.warm_ms.median
    );
    let verdicts = targets(&baseline, &function, zip_bytes);
    println!("\ntargets:");
    for (target, met) in &verdicts {
        println!("- {target}: {}", if *met { "met" } else { "NOT met" });
    }

    if let Some(path) = &options.json {
        let report = |r: &Report| {
            json!({
                "init_ms": json_stat(r.init_ms),
                "first_invocation_ms": json_stat(r.first_ms),
                "cold_start_ms": json_stat(r.cold_ms),
                "warm_overhead_ms": json_stat(r.warm_ms),
                "peak_rss_mib": json_stat(r.peak_rss_mib),
                "binary_bytes": r.binary_bytes,
                "log_lines_per_invocation": r.log_lines_per_invocation,
            })
        };
        let out = json!({
            "machine": machine(),
            "baseline_binary": baseline_description(&options),
            "page_cache": page_cache(&options),
            "runs": options.runs,
            "warm_invocations": options.warm,
            "baseline": report(&baseline),
            "function": report(&function),
            "zip_bytes": zip_bytes,
            "ratios": {
                "cold_start": function.cold_ms.median / baseline.cold_ms.median,
                "peak_rss": function.peak_rss_mib.median / baseline.peak_rss_mib.median,
                "warm_overhead_above_baseline_ms": function.warm_ms.median - baseline.warm_ms.median,
            },
            "targets": verdicts
                .iter()
                .map(|(target, met)| json!({"target": target, "met": met}))
                .collect::<Vec<_>>(),
        });
        std::fs::write(path, serde_json::to_string_pretty(&out).unwrap())
            .expect("write the JSON report");
        println!("figures written to {}", path.display());
    }
}
