//! Files in a directory of this machine (default `<data dir>/uploads`).

use std::path::{Path, PathBuf};

use futures::future::BoxFuture;
use futures::{FutureExt, StreamExt};
use tokio_util::io::ReaderStream;

use super::{key_path, ByteStream, FileStorage};

pub struct DirectoryStorage {
    dir: PathBuf,
    staging: PathBuf,
}

impl DirectoryStorage {
    /// Directories are created on the first upload, so a server that never stores a file
    /// never creates one.
    pub fn new(dir: PathBuf) -> Self {
        let staging = dir.join(".staging");
        DirectoryStorage { dir, staging }
    }
}

impl FileStorage for DirectoryStorage {
    fn put_staged<'a>(
        &'a self,
        key: &'a str,
        staged: &'a Path,
    ) -> BoxFuture<'a, anyhow::Result<()>> {
        async move {
            let target = key_path(&self.dir, key)?;
            tokio::fs::create_dir_all(&self.dir).await?;
            // The staged file is complete and flushed: a rename publishes it whole.
            tokio::fs::rename(staged, &target).await?;
            Ok(())
        }
        .boxed()
    }

    fn open<'a>(&'a self, key: &'a str) -> BoxFuture<'a, anyhow::Result<Option<ByteStream>>> {
        async move {
            let path = key_path(&self.dir, key)?;
            match tokio::fs::File::open(&path).await {
                Ok(file) => Ok(Some(ReaderStream::new(file).boxed())),
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(err) => Err(err.into()),
            }
        }
        .boxed()
    }

    fn delete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, anyhow::Result<()>> {
        async move {
            let path = key_path(&self.dir, key)?;
            match tokio::fs::remove_file(&path).await {
                Err(err) if err.kind() != std::io::ErrorKind::NotFound => Err(err.into()),
                _ => Ok(()),
            }
        }
        .boxed()
    }

    fn staging_dir(&self) -> &Path {
        &self.staging
    }
}
