//! The HTTPS client every AWS call goes through: rustls with ring, trusting Mozilla's root
//! certificates compiled into the binary.
//!
//! The SDK's default client loads the platform's trust store at start-up, which on a typical Linux
//! means opening every file of `/etc/ssl/certs`: most of the function's init time. Compiled-in roots
//! cost no I/O; AWS endpoints chain to roots in Mozilla's set. `SSL_CERT_FILE`, when set, adds the
//! certificates of that PEM file (a corporate proxy's CA, say).

use aws_sdk_databasemigration::config::SharedHttpClient;
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode, TlsContext, TrustStore};
use aws_smithy_http_client::Builder;

/// Builds the HTTPS client; connections are made lazily, on first use.
pub fn https_client() -> SharedHttpClient {
    let mut roots = TrustStore::empty()
        .with_native_roots(false)
        .with_pem_certificate(mozilla_roots_pem());
    if let Some(pem) = std::env::var_os("SSL_CERT_FILE").and_then(|path| std::fs::read(path).ok()) {
        roots = roots.with_pem_certificate(pem);
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

/// Mozilla's root certificates (from `webpki-root-certs`) as one PEM document.
fn mozilla_roots_pem() -> Vec<u8> {
    let mut pem = String::new();
    for cert in webpki_root_certs::TLS_SERVER_ROOT_CERTS {
        pem.push_str("-----BEGIN CERTIFICATE-----\n");
        pem.push_str(&aws_smithy_types::base64::encode(cert.as_ref()));
        pem.push_str("\n-----END CERTIFICATE-----\n");
    }
    pem.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustls_pki_types::pem::PemObject;
    use rustls_pki_types::CertificateDer;

    #[test]
    fn every_compiled_in_root_reads_back_from_the_pem() {
        let pem = mozilla_roots_pem();
        let certs: Vec<CertificateDer<'_>> = CertificateDer::pem_slice_iter(&pem)
            .collect::<Result<_, _>>()
            .expect("valid PEM");
        assert!(certs.len() > 100, "only {} roots", certs.len());
        assert_eq!(certs.len(), webpki_root_certs::TLS_SERVER_ROOT_CERTS.len());
        for (read, original) in certs.iter().zip(webpki_root_certs::TLS_SERVER_ROOT_CERTS) {
            assert_eq!(read.as_ref(), original.as_ref());
        }
    }
}
