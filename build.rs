//! Selects, at build time, the root certificates that AWS service endpoints chain to (Amazon Trust
//! Services) from Mozilla's set in `webpki-root-certs`, and writes them as one PEM document, so that
//! the function neither searches ~150 certificates for them nor encodes them at every cold start.
//! Writes `aws_roots.rs` and `aws_roots.pem` to `OUT_DIR`; src/http.rs includes them.

use std::fmt::Write as _;
use std::path::Path;

use base64::engine::{general_purpose::STANDARD, Engine as _};

/// Subject names of the Amazon Trust Services roots.
const AWS_ROOTS: [&str; 5] = [
    "Amazon Root CA 1",
    "Amazon Root CA 2",
    "Amazon Root CA 3",
    "Amazon Root CA 4",
    "Starfield Services Root Certificate Authority - G2",
];

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let mut pem = String::new();
    for name in AWS_ROOTS {
        // A root is self-signed, so its name appears in its DER only as its subject and issuer.
        let found: Vec<_> = webpki_root_certs::TLS_SERVER_ROOT_CERTS
            .iter()
            .filter(|cert| contains(cert.as_ref(), name))
            .collect();
        let [cert] = found.as_slice() else {
            panic!(
                "expected exactly one root named {name:?} in webpki-root-certs, found {}",
                found.len()
            );
        };
        pem.push_str("-----BEGIN CERTIFICATE-----\n");
        let base64 = STANDARD.encode(cert.as_ref());
        // PEM's lines of 64 characters.
        for line in base64.as_bytes().chunks(64) {
            pem.push_str(std::str::from_utf8(line).expect("base64 is ASCII"));
            pem.push('\n');
        }
        pem.push_str("-----END CERTIFICATE-----\n");
    }
    std::fs::write(Path::new(&out).join("aws_roots.pem"), pem).expect("write to OUT_DIR");

    let mut code = String::from(
        "/// Subject names of the Amazon Trust Services roots, in the order of `AWS_ROOTS_PEM`, for the\n\
         /// tests that check it.\n\
         #[cfg(test)]\n\
         pub(crate) const AWS_ROOT_NAMES: [&str; 5] = [\n",
    );
    for name in AWS_ROOTS {
        writeln!(code, "    {name:?},").expect("write to a String");
    }
    code.push_str(
        "];\n\
         /// The Amazon Trust Services roots, selected from webpki-root-certs by build.rs.\n\
         pub(crate) const AWS_ROOTS_PEM: &[u8] = include_bytes!(concat!(env!(\"OUT_DIR\"), \"/aws_roots.pem\"));\n",
    );
    std::fs::write(Path::new(&out).join("aws_roots.rs"), code).expect("write to OUT_DIR");
}

fn contains(der: &[u8], name: &str) -> bool {
    der.windows(name.len())
        .any(|window| window == name.as_bytes())
}
