//! Where the database is, remembered between starts, and the secrets that go with it.
//!
//! The config file (`config.json` in the OS config directory) holds the database location
//! only. A PostgreSQL password is never written to it: it lives in the OS keyring
//! (Secret Service, Keychain, Credential Manager) under service [`KEYRING_SERVICE`].

use std::path::{Path, PathBuf};

use directories::ProjectDirs;
use serde::{Deserialize, Serialize};

use crate::dto::{AppInfo, DatabaseTarget};
use crate::{Api, ApiError, ErrorCode};

/// Keyring service name for Overdue's secrets.
pub const KEYRING_SERVICE: &str = "overdue";

fn dirs() -> Result<ProjectDirs, ApiError> {
    ProjectDirs::from("", "", "overdue")
        .ok_or_else(|| ApiError::new(ErrorCode::Io, "Cannot find your home folder."))
}

/// The default embedded database: `~/.local/share/overdue/overdue.db` on Linux, the
/// equivalent application-data folder on macOS and Windows.
pub fn default_database_path() -> Result<PathBuf, ApiError> {
    Ok(dirs()?.data_dir().join("overdue.db"))
}

/// Where the scheduled daily run records its last outcome (beside the default book).
pub fn daily_run_file() -> Result<PathBuf, ApiError> {
    Ok(dirs()?.data_dir().join("daily-run.json"))
}

/// True when `target` names a PostgreSQL server rather than a SQLite file.
pub fn is_server(target: &str) -> bool {
    overdue_store::is_postgres_url(target)
}

/// The config file's path.
pub fn config_path() -> Result<PathBuf, ApiError> {
    Ok(dirs()?.config_dir().join("config.json"))
}

/// What the config file stores.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StoredDatabase {
    /// A SQLite file.
    Sqlite {
        /// Its path.
        path: String,
    },
    /// A PostgreSQL server; the URL never holds the password.
    Postgres {
        /// `postgres://user@host:port/db`.
        url: String,
    },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct ConfigFile {
    database: StoredDatabase,
}

/// Reads the remembered database, if any.
pub fn load(path: &Path) -> Result<Option<StoredDatabase>, ApiError> {
    match std::fs::read_to_string(path) {
        Ok(text) => serde_json::from_str::<ConfigFile>(&text)
            .map(|c| Some(c.database))
            .map_err(|e| {
                ApiError::new(
                    ErrorCode::Io,
                    format!("{}: the settings file is damaged ({e}).", path.display()),
                )
            }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(ApiError::new(
            ErrorCode::Io,
            format!("{}: {e}", path.display()),
        )),
    }
}

/// Remembers the database (written to a temporary file, then renamed: never half-written).
pub fn save(path: &Path, db: &StoredDatabase) -> Result<(), ApiError> {
    let io = |e: std::io::Error| ApiError::new(ErrorCode::Io, format!("{}: {e}", path.display()));
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let text = serde_json::to_string_pretty(&ConfigFile {
        database: db.clone(),
    })
    .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, text).map_err(io)?;
    std::fs::rename(&tmp, path).map_err(io)
}

/// Splits `postgres://user:secret@host/db` into the URL without the password and the
/// password (percent-decoded).
pub fn split_password(url: &str) -> (String, Option<String>) {
    let Some(scheme_end) = url.find("://") else {
        return (url.to_string(), None);
    };
    let rest = &url[scheme_end + 3..];
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let Some(at) = rest[..authority_end].rfind('@') else {
        return (url.to_string(), None);
    };
    match rest[..at].split_once(':') {
        Some((user, pw)) => (
            format!("{}{user}{}", &url[..scheme_end + 3], &rest[at..]),
            Some(percent_decode(pw)),
        ),
        None => (url.to_string(), None),
    }
}

/// Puts a password into a password-less URL (percent-encoded).
pub fn with_password(url: &str, password: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_string();
    };
    let rest = &url[scheme_end + 3..];
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!(
            "{}{}:{}{}",
            &url[..scheme_end + 3],
            &rest[..at],
            percent_encode(password),
            &rest[at..]
        ),
        None => url.to_string(),
    }
}

fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Some(b) = std::str::from_utf8(&bytes[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn keyring_entry(url_without_password: &str) -> Result<keyring::Entry, ApiError> {
    keyring::Entry::new(KEYRING_SERVICE, url_without_password).map_err(keyring_error)
}

fn keyring_error(e: keyring::Error) -> ApiError {
    ApiError::new(
        ErrorCode::Keyring,
        format!("The system keyring could not be used ({e}). Unlock your keyring and try again."),
    )
}

/// Stores a database password in the OS keyring.
pub fn store_password(url_without_password: &str, password: &str) -> Result<(), ApiError> {
    keyring_entry(url_without_password)?
        .set_password(password)
        .map_err(keyring_error)
}

/// Reads a database password from the OS keyring (`None` when none is stored).
pub fn stored_password(url_without_password: &str) -> Result<Option<String>, ApiError> {
    match keyring_entry(url_without_password)?.get_password() {
        Ok(p) => Ok(Some(p)),
        Err(keyring::Error::NoEntry) => Ok(None),
        Err(e) => Err(keyring_error(e)),
    }
}

/// The connection string for a remembered database, with the keyring's password filled in.
/// Without a keyring to ask (no Secret Service on this desktop) the server is tried
/// without one: it may need none (peer or trust login, PGPASSWORD, ~/.pgpass), and when it
/// does, its refusal of the login says so.
pub fn resolve(db: &StoredDatabase) -> Result<String, ApiError> {
    match db {
        StoredDatabase::Sqlite { path } => Ok(path.clone()),
        StoredDatabase::Postgres { url } => Ok(match stored_password(url) {
            Ok(Some(pw)) => with_password(url, &pw),
            Ok(None) => url.clone(),
            Err(e) => {
                tracing::warn!(error = %e.message, "no keyring: the server is tried without a stored password");
                url.clone()
            }
        }),
    }
}

/// A server address as typed in Settings with the password typed beside it: the
/// password may also be in the URL, and when neither gives one the keyring's is used.
#[derive(Debug)]
pub(crate) struct ServerLogin {
    /// The URL without its password: what the config file and the keyring key hold.
    pub(crate) bare: String,
    /// A password typed (in the field or the URL), to keep in the keyring once it worked.
    pub(crate) password: Option<String>,
    /// The URL to connect with, password included.
    pub(crate) connect: String,
}

impl ServerLogin {
    /// Reads the typed address and password ("" = the one in the URL or the keyring).
    pub(crate) fn typed(url: &str, password: &str) -> Result<ServerLogin, ApiError> {
        let url = url.trim();
        if !is_server(url) {
            return Err(ApiError::invalid(
                "A server address starts with postgres://, e.g. postgres://staff@server:5432/overdue",
            ));
        }
        let (bare, in_url) = split_password(url);
        let password = Some(password.to_string())
            .filter(|p| !p.is_empty())
            .or(in_url);
        let connect = match &password {
            Some(pw) => with_password(&bare, pw),
            None => resolve(&StoredDatabase::Postgres { url: bare.clone() })?,
        };
        Ok(ServerLogin {
            bare,
            password,
            connect,
        })
    }

    /// Puts a typed password into the OS keyring (call once the connection worked).
    pub(crate) fn keep_password(&self) -> Result<(), ApiError> {
        match &self.password {
            Some(pw) => store_password(&self.bare, pw),
            None => Ok(()),
        }
    }

    /// What the config file remembers: the server without the password.
    pub(crate) fn remembered(&self) -> StoredDatabase {
        StoredDatabase::Postgres {
            url: self.bare.clone(),
        }
    }
}

/// Opens the database the app used last (or the default file on first start). When the
/// remembered one cannot be opened (a server that is down, a file on an unplugged drive),
/// the default file is opened instead and the returned notice says why.
pub async fn open_remembered(
    clock: std::sync::Arc<dyn crate::Clock>,
) -> Result<(Api, PathBuf, Option<String>), ApiError> {
    let config_file = config_path()?;
    let default = default_database_path()?.display().to_string();
    let remembered = load(&config_file).unwrap_or(None);
    if let Some(stored) = remembered {
        let target = resolve(&stored)?;
        match Api::open(&target, clock.clone()).await {
            Ok(api) => return Ok((api, config_file, None)),
            Err(e) => {
                let api = Api::open(&default, clock).await?;
                let notice = format!("The database you used last could not be opened ({}). Overdue opened {default} instead.", e.message);
                return Ok((api, config_file, Some(notice)));
            }
        }
    }
    Ok((Api::open(&default, clock).await?, config_file, None))
}

/// Signs in to a shared book from the command line, as Settings does in the window: opens
/// the server as `url`'s login with `password` ("" = the one in the URL, else the keyring's
/// or PGPASSWORD), then keeps a typed password in the OS keyring (never in a file) and
/// remembers the book in `config_file` for later commands without `--db`. A refused login
/// changes nothing that was remembered.
pub async fn connect_server(
    url: &str,
    password: &str,
    config_file: &Path,
    clock: std::sync::Arc<dyn crate::Clock>,
) -> Result<Api, ApiError> {
    let server = ServerLogin::typed(url, password)?;
    let api = Api::open(&server.connect, clock).await?;
    server.keep_password()?;
    save(config_file, &server.remembered())?;
    Ok(api)
}

impl Api {
    /// Connects to another database and remembers it for the next start. A PostgreSQL
    /// password (given separately or inside the URL) goes to the OS keyring only.
    pub async fn configure_database(
        &self,
        target: DatabaseTarget,
        config_file: &Path,
    ) -> Result<AppInfo, ApiError> {
        let (stored, connect) = match target {
            DatabaseTarget::Sqlite { path } => {
                let path = path.trim().to_string();
                (StoredDatabase::Sqlite { path: path.clone() }, path)
            }
            DatabaseTarget::Postgres { url, password } => {
                let server = ServerLogin::typed(&url, &password)?;
                // Connect first: a wrong password must not replace a working one.
                let info = self.switch(&server.connect).await?;
                server.keep_password()?;
                save(config_file, &server.remembered())?;
                return Ok(info);
            }
        };
        let info = self.switch(&connect).await?;
        save(config_file, &stored)?;
        Ok(info)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_is_split_out_of_the_url_and_put_back() {
        let (bare, pw) = split_password("postgres://staff:p%40ss:w@db:5432/overdue");
        assert_eq!(bare, "postgres://staff@db:5432/overdue");
        assert_eq!(pw.as_deref(), Some("p@ss:w"));
        assert_eq!(
            with_password(&bare, "p@ss:w"),
            "postgres://staff:p%40ss%3Aw@db:5432/overdue"
        );
        assert_eq!(
            split_password("postgres://db/overdue"),
            ("postgres://db/overdue".into(), None)
        );
    }

    #[test]
    fn config_file_never_holds_a_password() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.json");
        let (bare, _pw) = split_password("postgres://staff:s3cret@db/overdue");
        save(&path, &StoredDatabase::Postgres { url: bare }).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            !text.contains("s3cret"),
            "the password belongs in the keyring only: {text}"
        );
        assert_eq!(
            load(&path).unwrap(),
            Some(StoredDatabase::Postgres {
                url: "postgres://staff@db/overdue".into()
            })
        );
    }
}
