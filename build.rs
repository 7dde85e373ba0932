//! Selects, at build time, the root certificates that AWS service endpoints chain to (Amazon Trust
//! Services) from Mozilla's set in `webpki-root-certs`, so that the function does not search ~150
//! certificates for them at every cold start. Writes `aws_roots.rs` and one DER file per root to
//! `OUT_DIR`; src/http.rs includes them.

use std::fmt::Write as _;
use std::path::Path;

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
    let mut code = String::from(
        "/// The Amazon Trust Services roots (subject name, DER), selected by build.rs.\n\
         pub(crate) const AWS_ROOTS: [(&str, &[u8]); 5] = [\n",
    );
    for (index, name) in AWS_ROOTS.iter().enumerate() {
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
        let file = format!("aws_root_{index}.der");
        std::fs::write(Path::new(&out).join(&file), cert.as_ref()).expect("write to OUT_DIR");
        writeln!(
            code,
            "    ({name:?}, include_bytes!(concat!(env!(\"OUT_DIR\"), \"/{file}\"))),"
        )
        .expect("write to a String");
    }
    code.push_str("];\n");
    std::fs::write(Path::new(&out).join("aws_roots.rs"), code).expect("write to OUT_DIR");
}

fn contains(der: &[u8], name: &str) -> bool {
    der.windows(name.len())
        .any(|window| window == name.as_bytes())
}
