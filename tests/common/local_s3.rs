//! A local S3: moto's server (`moto_server`, which scripts/test installs in .tools/venv), on a free
//! loopback port for one test, stopped when dropped.

use std::process::Stdio;

use aws_sdk_s3::config::{BehaviorVersion, Credentials, Region};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

pub struct LocalS3 {
    pub url: String,
    pub client: aws_sdk_s3::Client,
    _server: Child,
}

impl LocalS3 {
    /// Starts moto's server and waits until it listens.
    pub async fn start() -> LocalS3 {
        let venv = concat!(env!("CARGO_MANIFEST_DIR"), "/.tools/venv/bin/moto_server");
        let program = if std::path::Path::new(venv).exists() {
            venv
        } else {
            "moto_server"
        };
        let mut server = Command::new(program)
            .args(["-H", "127.0.0.1", "-p", "0"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| {
                panic!("{program}: {e}; run scripts/test once, which installs moto in .tools/venv")
            });
        let mut lines = BufReader::new(server.stderr.take().expect("piped")).lines();
        let url = loop {
            let line = tokio::time::timeout(std::time::Duration::from_secs(60), lines.next_line())
                .await
                .expect("moto_server said where it listens within 60 s")
                .expect("moto_server's output")
                .expect("moto_server exited before it listened");
            if let Some(at) = line.find("http://127.0.0.1:") {
                break line[at..].trim().to_owned();
            }
        };
        // Its later lines (one per request) are read and dropped, so that it never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        LocalS3 {
            client: s3_at(&url),
            url,
            _server: server,
        }
    }

    pub async fn bucket(&self, name: &str) {
        self.client
            .create_bucket()
            .bucket(name)
            .send()
            .await
            .unwrap_or_else(|e| panic!("create bucket {name}: {e:?}"));
    }

    pub async fn put(&self, bucket: &str, key: &str, body: impl Into<Vec<u8>>) {
        self.client
            .put_object()
            .bucket(bucket)
            .key(key)
            .body(body.into().into())
            .send()
            .await
            .unwrap_or_else(|e| panic!("put s3://{bucket}/{key}: {e:?}"));
    }
}

/// An S3 client for `url`, as the verdict function builds one for a local endpoint: path-style.
pub fn s3_at(url: &str) -> aws_sdk_s3::Client {
    let config = aws_sdk_s3::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::for_tests())
        .http_client(dms_assessment_run::http::https_client())
        .endpoint_url(url)
        .force_path_style(true)
        .build();
    aws_sdk_s3::Client::from_conf(config)
}

/// An S3 client whose every call is refused at once (a closed loopback port), for tests whose
/// runs have no reasons to read, or whose reading fails and must keep the verdict.
pub fn unreachable_s3() -> aws_sdk_s3::Client {
    s3_at("http://127.0.0.1:1")
}
