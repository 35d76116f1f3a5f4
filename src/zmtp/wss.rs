//! wss://: ZWS 2.0 (`zws`) inside TLS (rustls), without I/O. Octets from
//! the peer go through rustls; the plaintext to the WebSocket connection.
//! The connection's output goes into rustls as plaintext and comes out as
//! TLS records, written from rustls's buffer to any writer (`write_to`:
//! the engine's socket, a Vec in the tests).
//!
//! Certificates are checked as libzmq (on GnuTLS) checks them: the chain
//! must lead to a trusted certificate (ZMQ_WSS_TRUST_PEM, and the system's
//! authorities with ZMQ_WSS_TRUST_SYSTEM), a certificate that is itself
//! in the trust list is trusted as it is (even a self-signed CA, as
//! libzmq's own test uses), and the name is checked only when
//! ZMQ_WSS_HOSTNAME is set: against the certificate's DNS names, or its
//! common name when it has none (webpki alone knows neither of the last
//! two).

use super::zws::WsConnection;
use super::ProtocolError;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::server::ParsedCertificate;
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, ServerConfig, SignatureScheme};
use std::io::{BufRead, Write};
use std::sync::Arc;

/// The most plaintext per TLS record. libzmq's wss engine takes one record
/// per wake-up into a buffer of its in-batch size (8 KiB): what a bigger
/// record left behind would wait in GnuTLS for data the socket never
/// signals, and the connection would stall. libzmq itself sends records of
/// its out-batch size, 8 KiB.
const MAX_RECORD_PLAINTEXT: usize = 8192;

/// The read buffer for TLS records: one record and a bit at first, four
/// times that once a read fills it (a stream of large messages then takes
/// a quarter of the reads; an idle connection keeps the small buffer).
const RECORD_READ: usize = 16 * 1024 + 256;
const STREAM_READ: usize = 64 * 1024;

/// ring's provider: rustls marks it deprecated only because it has no
/// post-quantum key exchange, which libzmq's GnuTLS peers do not offer
/// either; aws-lc-rs would add a cmake build of a C library for it.
#[allow(deprecated)]
fn provider() -> Arc<CryptoProvider> {
    let mut p = rustls::crypto::ring::default_provider();
    // AES-128-GCM first (as browsers and Go's TLS order it): 10 rounds
    // against AES-256's 14, and the suite TLS 1.3 requires of everyone.
    p.cipher_suites.sort_by_key(|s| {
        use rustls::CipherSuite as C;
        match s.suite() {
            C::TLS13_AES_128_GCM_SHA256 => 0,
            C::TLS13_AES_256_GCM_SHA384 => 1,
            _ => 2,
        }
    });
    Arc::new(p)
}

/// Every certificate of a PEM text (EINVAL-worthy when there is none).
fn certs(pem: &[u8]) -> Option<Vec<CertificateDer<'static>>> {
    let v: Vec<_> = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<_, _>>()
        .ok()?;
    (!v.is_empty()).then_some(v)
}

/// A server's TLS settings from ZMQ_WSS_CERT_PEM and ZMQ_WSS_KEY_PEM;
/// None when they are missing or do not parse or match.
pub fn server_config(cert_pem: &[u8], key_pem: &[u8]) -> Option<Arc<ServerConfig>> {
    let chain = certs(cert_pem)?;
    let key = PrivateKeyDer::from_pem_slice(key_pem).ok()?;
    let mut cfg = ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .ok()?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .ok()?;
    cfg.max_fragment_size = Some(MAX_RECORD_PLAINTEXT);
    Some(Arc::new(cfg))
}

/// A client's TLS settings: what it trusts and the name it checks (see
/// the module documentation). None when a trust PEM is given but holds no
/// certificate.
pub fn client_config(
    trust_pem: &[u8],
    trust_system: bool,
    hostname: Option<&str>,
) -> Option<Arc<ClientConfig>> {
    let mut roots = RootCertStore::empty();
    let mut listed = Vec::new();
    if !trust_pem.is_empty() {
        for c in certs(trust_pem)? {
            let _ = roots.add(c.clone());
            listed.push(c);
        }
    }
    if trust_system {
        for c in rustls_native_certs::load_native_certs().certs {
            let _ = roots.add(c);
        }
    }
    let provider = provider();
    let verifier = Arc::new(Verifier {
        roots: Arc::new(roots),
        listed,
        hostname: hostname
            .filter(|h| !h.is_empty())
            .and_then(|h| ServerName::try_from(h.to_string()).ok()),
        provider: Arc::clone(&provider),
    });
    let mut cfg = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .ok()?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    cfg.max_fragment_size = Some(MAX_RECORD_PLAINTEXT);
    Some(Arc::new(cfg))
}

/// The server certificate check libzmq makes (module documentation).
#[derive(Debug)]
struct Verifier {
    roots: Arc<RootCertStore>,
    /// The ZMQ_WSS_TRUST_PEM certificates as given: one of them presented
    /// by the server is trusted as it is.
    listed: Vec<CertificateDer<'static>>,
    hostname: Option<ServerName<'static>>,
    provider: Arc<CryptoProvider>,
}

/// The common name of a certificate with no DNS name of its own, if any.
fn lone_common_name(der: &[u8]) -> Option<String> {
    let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
    if let Ok(Some(san)) = cert.subject_alternative_name() {
        let has_dns = san
            .value
            .general_names
            .iter()
            .any(|n| matches!(n, x509_parser::extensions::GeneralName::DNSName(_)));
        if has_dns {
            return None;
        }
    }
    let cn = cert.subject().iter_common_name().next()?;
    cn.as_str().ok().map(str::to_string)
}

impl ServerCertVerifier for Verifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let parsed = ParsedCertificate::try_from(end_entity)?;
        let chained = rustls::client::verify_server_cert_signed_by_trust_anchor(
            &parsed,
            &self.roots,
            intermediates,
            now,
            self.provider.signature_verification_algorithms.all,
        );
        if let Err(e) = chained {
            if !self
                .listed
                .iter()
                .any(|c| c.as_ref() == end_entity.as_ref())
            {
                return Err(e);
            }
        }
        if let Some(name) = &self.hostname {
            if let Err(e) = rustls::client::verify_server_name(&parsed, name) {
                let wanted = name.to_str();
                let by_cn = lone_common_name(end_entity)
                    .is_some_and(|cn| cn.eq_ignore_ascii_case(wanted.as_ref()));
                if !by_cn {
                    return Err(e);
                }
            }
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// One wss:// connection (see the module documentation).
pub struct WssConnection {
    tls: rustls::Connection,
    ws: WsConnection,
    inbuf: Vec<u8>,
    read_size: usize,
    failed: bool,
}

impl WssConnection {
    /// The accepting side (the connection back if rustls refuses the
    /// settings).
    pub fn server(
        cfg: &Arc<ServerConfig>,
        ws: WsConnection,
    ) -> Result<WssConnection, Box<WsConnection>> {
        match rustls::ServerConnection::new(Arc::clone(cfg)) {
            Ok(tls) => Ok(WssConnection::with(tls.into(), ws)),
            Err(_) => Err(Box::new(ws)),
        }
    }

    /// The connecting side, asking for `name` (SNI when it is a DNS name).
    pub fn client(
        cfg: &Arc<ClientConfig>,
        name: &str,
        ws: WsConnection,
    ) -> Result<WssConnection, Box<WsConnection>> {
        // The name only goes out as SNI (the check is the verifier's): an
        // address with no name of its own asks for none.
        let loopback = std::net::IpAddr::from([127, 0, 0, 1]);
        let name = ServerName::try_from(name.to_string())
            .unwrap_or(ServerName::IpAddress(loopback.into()));
        match rustls::ClientConnection::new(Arc::clone(cfg), name) {
            Ok(tls) => Ok(WssConnection::with(tls.into(), ws)),
            Err(_) => Err(Box::new(ws)),
        }
    }

    fn with(tls: rustls::Connection, ws: WsConnection) -> WssConnection {
        WssConnection {
            tls,
            ws,
            inbuf: Vec::new(),
            read_size: RECORD_READ,
            failed: false,
        }
    }

    pub fn ws(&mut self) -> &mut WsConnection {
        &mut self.ws
    }

    pub fn ws_ref(&self) -> &WsConnection {
        &self.ws
    }

    /// Whether the TLS handshake is over.
    pub fn tls_ready(&self) -> bool {
        !self.tls.is_handshaking()
    }

    pub fn read_buffer(&mut self) -> &mut [u8] {
        self.inbuf.resize(self.read_size, 0);
        &mut self.inbuf
    }

    /// Takes note that `n` octets were read into the last `read_buffer()`.
    /// A TLS failure is `ProtocolError::Tls`; a failure of the WebSocket
    /// or ZMTP inside is theirs. Either is fatal and sticky.
    pub fn advance(&mut self, n: usize) -> Result<(), ProtocolError> {
        if n >= self.inbuf.len() {
            self.read_size = STREAM_READ;
        }
        let buf = std::mem::take(&mut self.inbuf);
        let r = self.feed(&buf[..n.min(buf.len())]);
        self.inbuf = buf;
        r
    }

    /// Processes `data` as read from the peer.
    pub fn feed(&mut self, mut data: &[u8]) -> Result<(), ProtocolError> {
        if self.failed {
            return Err(ProtocolError::Tls);
        }
        let r = self.feed_inner(&mut data);
        if r.is_err() {
            self.failed = true;
        }
        // Alerts, handshake messages and the ws answers wait in rustls
        // (`has_output`) for `write_to`.
        r
    }

    fn feed_inner(&mut self, data: &mut &[u8]) -> Result<(), ProtocolError> {
        while !data.is_empty() {
            self.tls.read_tls(data).map_err(|_| ProtocolError::Tls)?;
            self.tls
                .process_new_packets()
                .map_err(|_| ProtocolError::Tls)?;
            // The plaintext goes to the WebSocket connection from rustls's
            // own buffer.
            loop {
                let mut reader = self.tls.reader();
                let chunk = match reader.fill_buf() {
                    Ok(c) if !c.is_empty() => c,
                    Ok(_) => break,
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
                    Err(_) => return Err(ProtocolError::Tls),
                };
                let n = chunk.len();
                self.ws.feed(chunk)?;
                reader.consume(n);
            }
        }
        Ok(())
    }

    /// Moves what rustls takes of the WebSocket connection's output into
    /// TLS records (none before the handshake is over).
    fn seal_plain(&mut self) {
        if self.tls_ready() {
            // All the slices in one call: rustls fills its records across
            // them (a header and its body share a record).
            let moved = {
                let slices = self.ws.conn_ref().output();
                if slices.is_empty() {
                    0
                } else {
                    self.tls.writer().write_vectored(&slices).unwrap_or(0)
                }
            };
            self.ws.conn().consumed(moved);
        }
    }

    /// One write to `wr` (the socket, or any writer) of what waits: the
    /// connection's output through TLS, written from rustls's own buffer
    /// (one vectored write of its records, no copy on the way). None when
    /// nothing waits. rustls takes plaintext only while its records stay
    /// under its buffer limit, so what waits here is bounded.
    pub fn write_to(&mut self, wr: &mut dyn Write) -> std::io::Result<Option<usize>> {
        self.seal_plain();
        if !self.tls.wants_write() {
            return Ok(None);
        }
        self.tls.write_tls(wr).map(Some)
    }

    /// Whether anything waits to be written (records, or plaintext still to
    /// go through TLS).
    pub fn has_output(&self) -> bool {
        self.tls.wants_write() || (self.tls_ready() && self.ws.conn_ref().has_output())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::constants as c;
    use crate::msg::Msg;
    use crate::zmtp::{Config, Event};

    // A certificate and key made for these tests (openssl req -x509, EC
    // P-256, CN and DNS name "localhost", 100 years); the C tests'
    // capi-tests/wss_certs.h holds the same pair.
    const CERT: &str = include_str!("wss_test_cert.pem");
    const KEY: &str = include_str!("wss_test_key.pem");

    fn pair(hostname: &str) -> (WssConnection, WssConnection) {
        let server_cfg = server_config(CERT.as_bytes(), KEY.as_bytes()).expect("server config");
        let client_cfg =
            client_config(CERT.as_bytes(), false, Some(hostname)).expect("client config");
        let server =
            WssConnection::server(&server_cfg, WsConnection::server(Config::new(c::ZMQ_PAIR)))
                .ok()
                .expect("server");
        let client = WssConnection::client(
            &client_cfg,
            "localhost",
            WsConnection::client(Config::new(c::ZMQ_PAIR), "localhost:1", "/"),
        )
        .ok()
        .expect("client");
        (client, server)
    }

    fn drain(w: &mut WssConnection) -> Vec<u8> {
        let mut out = Vec::new();
        while let Ok(Some(_)) = w.write_to(&mut out) {}
        out
    }

    /// Moves records both ways until both are quiet; the first error.
    fn pump(a: &mut WssConnection, b: &mut WssConnection) -> Result<(), ProtocolError> {
        for _ in 0..50 {
            let ab = drain(a);
            let ba = drain(b);
            if ab.is_empty() && ba.is_empty() {
                return Ok(());
            }
            b.feed(&ab)?;
            a.feed(&ba)?;
        }
        panic!("no quiet after 50 rounds");
    }

    #[test]
    fn messages_cross_tls_both_ways() {
        let (mut client, mut server) = pair("localhost");
        client
            .ws()
            .conn()
            .send(Msg::from_slice(b"over tls").unwrap());
        pump(&mut client, &mut server).unwrap();
        assert!(client.tls_ready() && server.tls_ready());
        // Between two of ours: AES-128-GCM, the cheaper suite.
        for end in [&client, &server] {
            assert_eq!(
                end.tls.negotiated_cipher_suite().map(|s| s.suite()),
                Some(rustls::CipherSuite::TLS13_AES_128_GCM_SHA256)
            );
        }
        let got: Vec<Vec<u8>> = std::iter::from_fn(|| server.ws().conn().poll_event())
            .filter_map(|e| match e {
                Event::Message(m) => Some(m.data().to_vec()),
                _ => None,
            })
            .collect();
        assert_eq!(got, vec![b"over tls".to_vec()]);
        // A message bigger than a record (8 KiB) goes as several.
        let big = vec![7u8; 100_000];
        server.ws().conn().send(Msg::from_slice(&big).unwrap());
        pump(&mut client, &mut server).unwrap();
        let got: Vec<usize> = std::iter::from_fn(|| client.ws().conn().poll_event())
            .filter_map(|e| match e {
                Event::Message(m) => Some(m.size()),
                _ => None,
            })
            .collect();
        assert_eq!(got, vec![100_000]);
    }

    #[test]
    fn a_wrong_name_or_stranger_bytes_fail() {
        let (mut client, mut server) = pair("elsewhere.example");
        assert_eq!(pump(&mut client, &mut server), Err(ProtocolError::Tls));
        // Not TLS at all.
        let (_, mut server) = pair("localhost");
        assert_eq!(
            server.feed(b"GET / HTTP/1.1\r\n\r\n"),
            Err(ProtocolError::Tls)
        );
        assert_eq!(server.feed(b"x"), Err(ProtocolError::Tls), "sticky");
    }

    #[test]
    fn bad_settings_are_refused() {
        assert!(server_config(CERT.as_bytes(), b"junk").is_none());
        assert!(server_config(b"", KEY.as_bytes()).is_none());
        assert!(client_config(b"not pem", false, None).is_none());
        assert!(client_config(b"", false, None).is_some());
    }
}
