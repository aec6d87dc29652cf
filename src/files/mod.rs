//! Where uploaded files' bytes live: a directory on this machine by default, or an
//! S3-compatible object store when one is configured (several servers sharing one database
//! then share the files too). The records of files (`uploads`) are in the database; a key
//! here is only the name of the bytes.

mod directory;
mod s3;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::Bytes;
use futures::future::BoxFuture;
use futures::stream::BoxStream;

pub use directory::DirectoryStorage;
pub use s3::{S3Settings, S3Storage};

use crate::config::Config;

/// The bytes of a stored file, streamed (files may be large).
pub type ByteStream = BoxStream<'static, std::io::Result<Bytes>>;

/// A place that keeps files by key. Keys are chosen by the server (random ids), never by
/// clients, so implementations need not guard against `..` or slashes beyond refusing them.
pub trait FileStorage: Send + Sync {
    /// Stores the complete file at `staged` (a file this storage's [`staging_dir`] holds)
    /// under `key`. The staged file is consumed: moved or deleted.
    ///
    /// [`staging_dir`]: FileStorage::staging_dir
    fn put_staged<'a>(
        &'a self,
        key: &'a str,
        staged: &'a Path,
    ) -> BoxFuture<'a, anyhow::Result<()>>;

    /// The bytes under `key`; `None` when there are none.
    fn open<'a>(&'a self, key: &'a str) -> BoxFuture<'a, anyhow::Result<Option<ByteStream>>>;

    /// Removes `key`; removing what is not there is no error.
    fn delete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, anyhow::Result<()>>;

    /// Where an upload is written while it arrives, before its size and completeness are
    /// known: on the same file system as the files for a directory storage, so that storing
    /// is a rename.
    fn staging_dir(&self) -> &Path;
}

/// The storage the configuration names: S3 when a bucket is configured, else the directory.
pub fn from_config(config: &Config) -> anyhow::Result<Arc<dyn FileStorage>> {
    match &config.s3_bucket {
        Some(bucket) => {
            let settings = S3Settings {
                bucket: bucket.clone(),
                endpoint: config.s3_endpoint.clone(),
                region: config.s3_region.clone(),
                access_key_id: config.s3_access_key_id.clone(),
                secret_access_key: config.s3_secret_access_key.clone(),
                path_style: config.s3_path_style,
                staging_dir: config.effective_upload_dir().join(".staging"),
            };
            Ok(Arc::new(S3Storage::new(settings)?))
        }
        None => Ok(Arc::new(DirectoryStorage::new(
            config.effective_upload_dir(),
        ))),
    }
}

/// A key is a server-made id: letters, digits, `-` and `_` only.
fn is_safe_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 128
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// `<dir>/<key>` for a safe key.
fn key_path(dir: &Path, key: &str) -> anyhow::Result<PathBuf> {
    anyhow::ensure!(is_safe_key(key), "unsafe storage key {key:?}");
    Ok(dir.join(key))
}
