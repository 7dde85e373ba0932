"""The release profile the deployed functions are built with keeps what docs/cold-start.md measured: size
optimisation with LTO, and full speed for the crates on the cold path. A `cargo add`/`cargo remove` that rewrites
Cargo.toml can drop a per-package override silently; this says so."""

import pathlib
import tomllib

ROOT = pathlib.Path(__file__).resolve().parents[2]

# docs/cold-start.md, "What each optimisation did": the TLS handshake and request signing, and the parsers of
# every start (PEM, JSON, regex-lite, webpki, SigV4), at opt-level 3.
FULL_SPEED = ["ring", "rustls", "rustls-pki-types", "aws-smithy-json", "regex-lite", "rustls-webpki", "aws-sigv4"]


def release_profile():
    return tomllib.loads((ROOT / "Cargo.toml").read_text())["profile"]["release"]


def test_the_release_profile_is_small_and_unwinds():
    profile = release_profile()
    assert profile["opt-level"] == "z"
    assert profile["lto"] is True
    assert profile["codegen-units"] == 1
    assert profile["panic"] == "unwind"


def test_the_cold_path_crates_keep_full_speed():
    packages = release_profile().get("package", {})
    missing = [name for name in FULL_SPEED if packages.get(name, {}).get("opt-level") != 3]
    assert not missing, f"Cargo.toml lost opt-level = 3 for {missing} (docs/cold-start.md)"
