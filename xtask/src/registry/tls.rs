//! TLS for the registry client: rustls with ring, trusting what cargo would trust for the
//! same checkout plus the system's roots. The system bundle (`SSL_CERT_FILE`, else the
//! distribution's file) and the CA bundle cargo is told about (`CARGO_HTTP_CAINFO`, else
//! `http.cainfo`) are both loaded, so an organization's private CA and public registries
//! work side by side. (Cargo itself uses only the `http.cainfo` bundle when one is set.)

use crate::deps::cargo_config;
use crate::project::Project;
use anyhow::{Context, Result, bail};
use std::path::PathBuf;
use std::sync::Arc;
use ureq::tls::{Certificate, PemItem, RootCerts, TlsConfig};

/// Where distributions keep the system's CA bundle (Debian, Fedora, openSUSE, Alpine/macOS).
const SYSTEM_BUNDLES: &[&str] = &[
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/ssl/ca-bundle.pem",
    "/etc/ssl/cert.pem",
];

/// The CA bundles trusted, each with how it was named (for messages).
pub struct Trust {
    bundles: Vec<(String, PathBuf)>,
}

impl Trust {
    pub fn find(project: &Project) -> Result<Trust> {
        let mut bundles = Vec::new();
        let system = match std::env::var_os("SSL_CERT_FILE") {
            Some(f) => Some(("SSL_CERT_FILE".to_owned(), PathBuf::from(f))),
            None => SYSTEM_BUNDLES
                .iter()
                .map(PathBuf::from)
                .find(|p| p.is_file())
                .map(|p| ("the system's CA bundle".to_owned(), p)),
        };
        bundles.extend(system);
        if let Some(f) = std::env::var_os("CARGO_HTTP_CAINFO") {
            bundles.push(("CARGO_HTTP_CAINFO".to_owned(), PathBuf::from(f)));
        } else if let Some(found) = cargo_config::lookup(project, &["http", "cainfo"])? {
            let Some(path) = found.value.as_str() else {
                bail!("{}: http.cainfo is not a string", found.file.display());
            };
            let named = format!("http.cainfo in {}", found.file.display());
            bundles.push((named, found.base.join(path)));
        }
        Ok(Trust { bundles })
    }

    /// Which bundles were trusted, for an error message.
    pub fn describe(&self) -> String {
        if self.bundles.is_empty() {
            return "no CA bundle was found: set CARGO_HTTP_CAINFO or http.cainfo".to_owned();
        }
        let list: Vec<String> = self
            .bundles
            .iter()
            .map(|(how, path)| format!("{how} ({})", path.display()))
            .collect();
        format!("trusted: {}", list.join(", "))
    }

    /// The client's TLS configuration: every certificate of every bundle as a root.
    pub fn config(&self) -> Result<TlsConfig> {
        let mut roots: Vec<Certificate<'static>> = Vec::new();
        for (how, path) in &self.bundles {
            let pem = std::fs::read(path).with_context(|| {
                format!(
                    "reading the CA bundle named by {how}: {}: fix the path or unset it",
                    path.display()
                )
            })?;
            let before = roots.len();
            for item in ureq::tls::parse_pem(&pem) {
                if let PemItem::Certificate(c) = item.with_context(|| {
                    format!("the CA bundle {} ({how}) is not valid PEM", path.display())
                })? {
                    roots.push(c);
                }
            }
            if roots.len() == before {
                bail!(
                    "the CA bundle {} ({how}) holds no certificate (expected PEM `BEGIN CERTIFICATE` blocks)",
                    path.display()
                );
            }
        }
        Ok(TlsConfig::builder()
            .root_certs(RootCerts::new_with_certs(&roots))
            .unversioned_rustls_crypto_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .build())
    }
}

/// What went wrong with a server's certificate, in words, when `error` is a TLS one.
pub fn certificate_problem(error: &ureq::Error) -> Option<String> {
    use rustls::{CertificateError as C, Error as E};
    let tls = match error {
        ureq::Error::Rustls(e) => e,
        ureq::Error::Io(io) => io.get_ref()?.downcast_ref::<E>()?,
        _ => return None,
    };
    Some(match tls {
        E::InvalidCertificate(C::UnknownIssuer) => {
            "its certificate is not signed by a trusted CA (UnknownIssuer)".to_owned()
        }
        E::InvalidCertificate(C::NotValidForName | C::NotValidForNameContext { .. }) => {
            "its certificate is not valid for this host name (NotValidForName)".to_owned()
        }
        E::InvalidCertificate(C::Expired | C::ExpiredContext { .. }) => {
            "its certificate has expired (Expired)".to_owned()
        }
        E::InvalidCertificate(e) => format!("its certificate was refused ({e:?})"),
        e => format!("the TLS handshake failed: {e}"),
    })
}
