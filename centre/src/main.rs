//! `pryiom-centre`: run the centre server, make enrolment codes, revoke devices.

use std::path::PathBuf;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use pryiom_centre::{router, Centre, Config};

#[derive(Parser)]
#[command(version, about = "Pryiom's centre server: serves the app and takes export batches from enrolled devices")]
struct Cli {
    /// The data folder: SQLite database, receipt-signing key, the centre's age identity.
    #[arg(long, env = "PRYIOM_DATA", default_value = "centre-data")]
    data: PathBuf,
    /// PostgreSQL instead of SQLite (`postgres://user@host/db`).
    #[arg(long, env = "PRYIOM_DATABASE_URL")]
    database: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the app and take uploads.
    Serve {
        #[arg(long, env = "PRYIOM_LISTEN", default_value = "127.0.0.1:8080")]
        listen: String,
        /// The app's release bundle (`./pryiom build` makes `dist/`).
        #[arg(long, default_value = "dist")]
        app: PathBuf,
        /// The largest upload taken, in bytes.
        #[arg(long, default_value_t = pryiom_centre::DEFAULT_MAX_UPLOAD)]
        max_upload: usize,
        /// HTTPS: the certificate chain (PEM). With `--tls-key`; without both, plain HTTP (behind a reverse proxy
        /// that terminates HTTPS, or on localhost).
        #[arg(long, env = "PRYIOM_TLS_CERT", requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// HTTPS: the certificate's private key (PEM).
        #[arg(long, env = "PRYIOM_TLS_KEY", requires = "tls_cert")]
        tls_key: Option<PathBuf>,
    },
    /// A one-time enrolment code for a device (valid for a week).
    Enrol {
        /// The device's name as the centre knows it ("Планшет 2, Буча").
        label: String,
    },
    /// Refuse a device's uploads from now on.
    Revoke { device_id: String },
    /// List enrolled devices.
    Devices,
    /// Set the password of the staff page (`/staff`): read from the terminal or standard input.
    StaffPassword,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .init();
    let cli = Cli::parse();
    let mut config = Config::new(&cli.data);
    config.database_url = cli.database;
    if let Command::Serve { max_upload, .. } = &cli.command {
        config.max_upload_bytes = *max_upload;
    }
    let centre = match Centre::open(&config).await {
        Ok(c) => c,
        Err(e) => {
            eprintln!("pryiom-centre: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let done = match cli.command {
        Command::Serve { listen, app, tls_cert, tls_key, .. } => {
            serve(centre, &listen, app, tls_cert.zip(tls_key)).await
        }
        Command::Enrol { label } => centre
            .enrolment_code(&label)
            .await
            .map(|code| {
                println!("Enrolment code for \"{label}\": {code}");
                println!("Type it in the device's Settings → Centre within 7 days; it works once.");
            })
            .map_err(|e| e.to_string()),
        Command::Revoke { device_id } => match centre.revoke(&device_id).await {
            Ok(true) => {
                println!("Revoked {device_id}: its next upload is refused.");
                Ok(())
            }
            Ok(false) => Err(format!("no enrolled device {device_id} (or already revoked)")),
            Err(e) => Err(e.to_string()),
        },
        Command::StaffPassword => {
            eprintln!(
                "The staff page's password (at least {} characters), then Enter:",
                pryiom_centre::staff::MIN_PASSWORD_CHARS
            );
            let mut line = String::new();
            match std::io::stdin().read_line(&mut line) {
                Ok(_) => pryiom_centre::staff::set_password(&cli.data, line.trim_end_matches(['\r', '\n']))
                    .map(|()| println!("Set. The staff page is at /staff (any user name, this password).")),
                Err(e) => Err(e.to_string()),
            }
        }
        Command::Devices => centre
            .devices()
            .await
            .map(|list| {
                for (id, label, at, revoked) in list {
                    println!(
                        "{id}\t{label}\tenrolled {at}{}",
                        revoked.map(|r| format!("\trevoked {r}")).unwrap_or_default()
                    );
                }
            })
            .map_err(|e| e.to_string()),
    };
    match done {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("pryiom-centre: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn serve(centre: Centre, listen: &str, app: PathBuf, tls: Option<(PathBuf, PathBuf)>) -> Result<(), String> {
    let app_dir = app.is_dir().then_some(app.as_path());
    if app_dir.is_none() {
        tracing::warn!(dir = %app.display(), "no app bundle to serve: only the API runs");
    }
    tracing::info!(receipt_key = %centre.keys.receipt_key(), centre_recipient = %centre.keys.recipient, "centre keys");
    let routes = router(Arc::new(centre), app_dir);
    let Some((cert, key)) = tls else {
        let listener = tokio::net::TcpListener::bind(listen).await.map_err(|e| format!("{listen}: {e}"))?;
        tracing::info!(%listen, "serving over HTTP");
        return axum::serve(listener, routes)
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .map_err(|e| e.to_string());
    };
    // ring, not aws-lc-rs: it builds with a C compiler alone (aws-lc needs cmake). rustls marks it deprecated only for
    // lacking post-quantum key exchange; X25519 and the TLS 1.3 suites are what browsers use with it.
    #[allow(deprecated)]
    let _ = rustls::crypto::ring::default_provider().install_default();
    let config = axum_server::tls_rustls::RustlsConfig::from_pem_file(&cert, &key)
        .await
        .map_err(|e| format!("TLS certificate {} / key {}: {e}", cert.display(), key.display()))?;
    let addr: std::net::SocketAddr = tokio::net::lookup_host(listen)
        .await
        .map_err(|e| format!("{listen}: {e}"))?
        .next()
        .ok_or_else(|| format!("{listen}: no address"))?;
    let handle = axum_server::Handle::new();
    let stop = handle.clone();
    tokio::spawn(async move {
        let _ = tokio::signal::ctrl_c().await;
        stop.graceful_shutdown(Some(std::time::Duration::from_secs(10)));
    });
    tracing::info!(%listen, "serving over HTTPS");
    axum_server::bind_rustls(addr, config)
        .handle(handle)
        .serve(routes.into_make_service())
        .await
        .map_err(|e| format!("{listen}: {e}"))
}
