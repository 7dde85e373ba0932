//! The HTTPS client every AWS call goes through: rustls with ring, trusting the Amazon Trust Services
//! roots AWS endpoints chain to, plus `SSL_CERT_FILE`'s certificates when set. Not the SDK's default
//! client, whose trust store is most of the cold start (docs/cold-start.md).

use aws_sdk_databasemigration::config::SharedHttpClient;
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode, TlsContext, TrustStore};
use aws_smithy_http_client::Builder;
use rustls::RootCertStore;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;
use std::path::Path;

/// The Amazon Trust Services roots, copied from webpki-root-certs; a test checks that they still
/// are the ones it ships.
const AWS_ROOTS_PEM: &str = include_str!("aws_roots.pem");

/// Builds the HTTPS client; connections are made lazily, on first use.
pub fn https_client() -> SharedHttpClient {
    let mut roots = TrustStore::empty()
        .with_native_roots(false)
        .with_pem_certificate(AWS_ROOTS_PEM);
    if let Some(path) = std::env::var_os("SSL_CERT_FILE") {
        match extra_roots(Path::new(&path)) {
            Ok(pem) => roots = roots.with_pem_certificate(pem),
            // The SDK would panic on a certificate it cannot parse; AWS endpoints still verify
            // against the Amazon roots, so the function goes on without the file and says why.
            Err(problem) => tracing::error!(
                "SSL_CERT_FILE {problem}; trusting the Amazon Trust Services roots only"
            ),
        }
    }
    let context = TlsContext::builder()
        .with_trust_store(roots)
        .build()
        .expect("a trust store of PEM certificates is a valid TLS context");
    Builder::new()
        .tls_provider(tls::Provider::Rustls(CryptoMode::Ring))
        .tls_context(context)
        .build_https()
}

/// The PEM file at `path`, if it holds certificates that can all serve as trust anchors.
fn extra_roots(path: &Path) -> Result<Vec<u8>, String> {
    let shown = path.display();
    let pem = std::fs::read(path).map_err(|e| format!("{shown}: {e}"))?;
    let mut store = RootCertStore::empty();
    for (n, cert) in CertificateDer::pem_slice_iter(&pem).enumerate() {
        let cert = cert.map_err(|e| format!("{shown}: certificate {}: {e:?}", n + 1))?;
        store
            .add(cert)
            .map_err(|e| format!("{shown}: certificate {}: {e}", n + 1))?;
    }
    if store.is_empty() {
        return Err(format!("{shown}: no PEM certificate in the file"));
    }
    Ok(pem)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Subject names of the Amazon Trust Services roots, in the order of src/aws_roots.pem.
    const AWS_ROOT_NAMES: [&str; 5] = [
        "Amazon Root CA 1",
        "Amazon Root CA 2",
        "Amazon Root CA 3",
        "Amazon Root CA 4",
        "Starfield Services Root Certificate Authority - G2",
    ];

    /// An update of webpki-root-certs that adds, replaces or withdraws one of these roots fails here,
    /// and the message holds the PEM to check in instead.
    #[test]
    fn the_pem_holds_the_amazon_trust_services_roots_of_webpki_root_certs() {
        use base64::engine::{general_purpose::STANDARD, Engine as _};
        // A root is self-signed, so its name appears in its DER only as its subject and issuer.
        let named = |der: &[u8], name: &str| der.windows(name.len()).any(|w| w == name.as_bytes());
        let shipped: Vec<&[u8]> = AWS_ROOT_NAMES
            .iter()
            .flat_map(|name| {
                webpki_root_certs::TLS_SERVER_ROOT_CERTS
                    .iter()
                    .map(|cert| cert.as_ref())
                    .filter(move |der| named(der, name))
            })
            .collect();
        let checked_in: Vec<CertificateDer<'_>> =
            CertificateDer::pem_slice_iter(AWS_ROOTS_PEM.as_bytes())
                .collect::<Result<_, _>>()
                .expect("valid PEM");
        let checked_in: Vec<&[u8]> = checked_in.iter().map(|cert| cert.as_ref()).collect();
        let expected: String = shipped
            .iter()
            .map(|der| {
                let base64 = STANDARD.encode(der);
                let lines: Vec<&str> = base64
                    .as_bytes()
                    .chunks(64)
                    .map(|line| std::str::from_utf8(line).unwrap())
                    .collect();
                let body = lines.join("\n");
                format!("-----BEGIN CERTIFICATE-----\n{body}\n-----END CERTIFICATE-----\n")
            })
            .collect();
        assert_eq!(
            checked_in, shipped,
            "src/aws_roots.pem is not what webpki-root-certs ships for {AWS_ROOT_NAMES:?}; \
             if the change is meant, src/aws_roots.pem should be:\n{expected}"
        );
        assert_eq!(AWS_ROOTS_PEM, expected);
    }

    fn file_with(name: &str, contents: &[u8]) -> std::path::PathBuf {
        let path = std::env::temp_dir().join(format!("{name}-{}.pem", std::process::id()));
        std::fs::write(&path, contents).unwrap();
        path
    }

    #[test]
    fn a_pem_file_of_certificates_adds_them() {
        let path = file_with("roots-valid", AWS_ROOTS_PEM.as_bytes());
        assert_eq!(extra_roots(&path).unwrap(), AWS_ROOTS_PEM.as_bytes());
        std::fs::remove_file(path).ok();
    }

    #[test]
    fn a_file_that_cannot_serve_is_refused_with_its_name_and_why() {
        let missing = std::env::temp_dir().join("no-such-bundle.pem");
        let problem = extra_roots(&missing).unwrap_err();
        assert!(
            problem.starts_with(&missing.display().to_string()),
            "{problem}"
        );

        for (name, contents, why) in [
            (
                "roots-empty",
                &b"not a certificate\n"[..],
                "no PEM certificate",
            ),
            (
                "roots-bad-base64",
                b"-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n",
                "certificate 1",
            ),
            (
                "roots-not-a-cert",
                b"-----BEGIN CERTIFICATE-----\nMIIBnotacert\n-----END CERTIFICATE-----\n",
                "certificate 1",
            ),
        ] {
            let path = file_with(name, contents);
            let problem = extra_roots(&path).unwrap_err();
            assert!(problem.contains(&path.display().to_string()), "{problem}");
            assert!(problem.contains(why), "{problem}");
            std::fs::remove_file(path).ok();
        }
    }
}
