//! The server speaks HTTPS from a certificate and key file (rustls): the real binary, a self-signed certificate made
//! for the test, a client that trusts only that certificate.

use std::process::{Child, Command};
use std::time::Duration;

/// Stops the server however the test ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn the_server_speaks_https_from_a_certificate_and_key_file() {
    // ring, not aws-lc-rs: it builds with a C compiler alone (aws-lc needs cmake). rustls marks it deprecated only for
    // lacking post-quantum key exchange; X25519 and the TLS 1.3 suites are what browsers use with it.
    #[allow(deprecated)]
    let _ = rustls::crypto::ring::default_provider().install_default();
    let dir = tempfile::tempdir().expect("temp dir");
    let made = rcgen::generate_simple_self_signed(vec!["localhost".into()]).expect("certificate");
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    std::fs::write(&cert, made.cert.pem()).expect("cert written");
    std::fs::write(&key, made.key_pair.serialize_pem()).expect("key written");
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("port").local_addr().expect("address").port();
    let listen = format!("127.0.0.1:{port}");
    let _server = Running(
        Command::new(env!("CARGO_BIN_EXE_pryiom-centre"))
            .args(["--data", &dir.path().join("data").display().to_string(), "serve", "--listen", &listen])
            .args(["--app", &dir.path().join("no-app").display().to_string()])
            .args(["--tls-cert", &cert.display().to_string(), "--tls-key", &key.display().to_string()])
            .spawn()
            .expect("server started"),
    );
    let trusted = reqwest::Certificate::from_pem(made.cert.pem().as_bytes()).expect("pem");
    let https = reqwest::Client::builder()
        .add_root_certificate(trusted)
        .resolve("localhost", ([127, 0, 0, 1], port).into())
        .build()
        .expect("client");
    let url = format!("https://localhost:{port}/api/v1/batches/x/receipt");
    let mut answer = None;
    for _ in 0..100 {
        match https.get(&url).send().await {
            Ok(a) => {
                answer = Some(a);
                break;
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    let answer = answer.expect("an HTTPS answer");
    assert_eq!(answer.status().as_u16(), 401);
    let body: serde_json::Value = answer.json().await.expect("json");
    assert_eq!(body["error"], "not_enrolled");
    // Plain HTTP on the same port gets no answer from the API.
    let plain = reqwest::Client::new().get(format!("http://127.0.0.1:{port}/api/v1/batches/x/receipt")).send().await;
    assert!(plain.map(|a| a.status().as_u16() != 401).unwrap_or(true), "no plain HTTP answer");
    // A client that does not trust the certificate is refused the connection.
    let stranger = reqwest::Client::builder().build().expect("client");
    assert!(stranger.get(&url).send().await.is_err(), "an untrusted certificate is not accepted");
}
