//! The HTTPS client every AWS call goes through: rustls with ring, trusting the root certificates
//! that AWS service endpoints chain to.
//!
//! Why not the SDK's default client: it trusts the platform's store, which it reads at start-up (on
//! a typical Linux, every file of `/etc/ssl/certs`), and every HTTP connector the SDK builds (three
//! before the first call returns) parses the whole store again from PEM. That was most of the
//! function's cold start. AWS endpoints present certificates of Amazon Trust Services, so the
//! function trusts its roots (Amazon Root CA 1–4 and Starfield Services Root G2, as shipped in
//! Mozilla's set by `webpki-root-certs`): five certificates to parse instead of ~150. `SSL_CERT_FILE`,
//! when set, adds the certificates of that PEM file (for a TLS-inspecting proxy, say, or a partition
//! whose endpoints use another CA).

use aws_sdk_databasemigration::config::SharedHttpClient;
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode, TlsContext, TrustStore};
use aws_smithy_http_client::Builder;

/// Subject names of the Amazon Trust Services roots.
const AWS_ROOTS: [&str; 5] = [
    "Amazon Root CA 1",
    "Amazon Root CA 2",
    "Amazon Root CA 3",
    "Amazon Root CA 4",
    "Starfield Services Root Certificate Authority - G2",
];

/// Builds the HTTPS client; connections are made lazily, on first use.
pub fn https_client() -> SharedHttpClient {
    let mut roots = TrustStore::empty()
        .with_native_roots(false)
        .with_pem_certificate(aws_roots_pem());
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

/// The Amazon Trust Services roots as one PEM document.
fn aws_roots_pem() -> Vec<u8> {
    let mut pem = String::new();
    for cert in webpki_root_certs::TLS_SERVER_ROOT_CERTS
        .iter()
        .filter(|cert| is_aws_root(cert.as_ref()))
    {
        pem.push_str("-----BEGIN CERTIFICATE-----\n");
        pem.push_str(&aws_smithy_types::base64::encode(cert.as_ref()));
        pem.push_str("\n-----END CERTIFICATE-----\n");
    }
    pem.into_bytes()
}

/// A root is self-signed, so its name appears in its DER only as its own subject and issuer.
fn is_aws_root(der: &[u8]) -> bool {
    AWS_ROOTS.iter().any(|name| contains(der, name))
}

/// Whether `name` occurs in `der`; comparing the first byte before the rest keeps the scan of
/// ~150 roots cheap at start-up.
fn contains(der: &[u8], name: &str) -> bool {
    let name = name.as_bytes();
    der.windows(name.len())
        .any(|window| window[0] == name[0] && window == name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustls_pki_types::pem::PemObject;
    use rustls_pki_types::CertificateDer;

    #[test]
    fn the_five_amazon_trust_services_roots_read_back_from_the_pem() {
        let pem = aws_roots_pem();
        let certs: Vec<CertificateDer<'_>> = CertificateDer::pem_slice_iter(&pem)
            .collect::<Result<_, _>>()
            .expect("valid PEM");
        assert_eq!(certs.len(), AWS_ROOTS.len());
        for name in AWS_ROOTS {
            let holders = certs
                .iter()
                .filter(|c| is_aws_root(c.as_ref()) && contains(c.as_ref(), name))
                .count();
            assert_eq!(holders, 1, "{name}");
        }
        for cert in &certs {
            assert!(webpki_root_certs::TLS_SERVER_ROOT_CERTS
                .iter()
                .any(|root| root.as_ref() == cert.as_ref()));
        }
    }
}
