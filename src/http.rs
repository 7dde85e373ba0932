//! The HTTPS client every AWS call goes through: rustls with ring, trusting the root certificates
//! that AWS service endpoints chain to.
//!
//! Why not the SDK's default client: it trusts the platform's store, which it reads at start-up (on
//! a typical Linux, every file of `/etc/ssl/certs`), and every HTTP connector the SDK builds (three
//! before the first call returns) parses the whole store again from PEM. That was most of the
//! function's cold start. AWS endpoints present certificates of Amazon Trust Services, so the
//! function trusts its roots (Amazon Root CA 1–4 and Starfield Services Root G2, as shipped in
//! Mozilla's set by `webpki-root-certs`, picked out by build.rs at build time): five certificates to
//! parse instead of ~150, and no search among them at start-up. `SSL_CERT_FILE`, when set, adds the
//! certificates of that PEM file (for a TLS-inspecting proxy, say, or a partition whose endpoints use
//! another CA).

use aws_sdk_databasemigration::config::SharedHttpClient;
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode, TlsContext, TrustStore};
use aws_smithy_http_client::Builder;
use rustls::RootCertStore;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;
use std::path::Path;

// AWS_ROOT_NAMES and AWS_ROOTS_PEM, written by build.rs.
include!(concat!(env!("OUT_DIR"), "/aws_roots.rs"));

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

    #[test]
    fn the_pem_holds_the_named_amazon_trust_services_roots_of_mozillas_set() {
        let certs: Vec<CertificateDer<'_>> = CertificateDer::pem_slice_iter(AWS_ROOTS_PEM)
            .collect::<Result<_, _>>()
            .expect("valid PEM");
        assert_eq!(certs.len(), AWS_ROOT_NAMES.len());
        for (cert, name) in certs.iter().zip(AWS_ROOT_NAMES) {
            let der: &[u8] = cert.as_ref();
            assert!(
                der.windows(name.len()).any(|w| w == name.as_bytes()),
                "{name}"
            );
            assert!(
                webpki_root_certs::TLS_SERVER_ROOT_CERTS
                    .iter()
                    .any(|root| root.as_ref() == der),
                "{name}"
            );
        }
        let mut distinct: Vec<&[u8]> = certs.iter().map(|cert| cert.as_ref()).collect();
        distinct.dedup();
        assert_eq!(distinct.len(), AWS_ROOT_NAMES.len());
    }

    fn file_with(name: &str, contents: &[u8]) -> std::path::PathBuf {
        let path = std::env::temp_dir().join(format!("{name}-{}.pem", std::process::id()));
        std::fs::write(&path, contents).unwrap();
        path
    }

    #[test]
    fn a_pem_file_of_certificates_adds_them() {
        let path = file_with("roots-valid", AWS_ROOTS_PEM);
        assert_eq!(extra_roots(&path).unwrap(), AWS_ROOTS_PEM);
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
