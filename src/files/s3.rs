//! Files in an S3-compatible object store (AWS S3, MinIO, Ceph, Garage…), through the
//! `object_store` crate. Every server sharing the database shares the bucket, so a file
//! uploaded through one is served by any.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use futures::future::BoxFuture;
use futures::{FutureExt, StreamExt, TryStreamExt};
use object_store::aws::AmazonS3Builder;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, PutPayload, WriteMultipart};
use tokio::io::AsyncReadExt;

use super::{is_safe_key, ByteStream, FileStorage};

/// Files up to this size are sent in one request; larger ones as a multipart upload of
/// parts this large, so memory stays bounded whatever the file size.
const PART_BYTES: usize = 8 * 1024 * 1024;

pub struct S3Settings {
    pub bucket: String,
    /// `None`: AWS itself (the region's endpoint).
    pub endpoint: Option<String>,
    pub region: Option<String>,
    /// `None`: the usual AWS sources (environment, instance metadata).
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
    /// `https://endpoint/bucket/key` instead of `https://bucket.endpoint/key` (MinIO and most
    /// self-hosted stores need this).
    pub path_style: bool,
    pub staging_dir: PathBuf,
}

pub struct S3Storage {
    store: Arc<dyn ObjectStore>,
    staging: PathBuf,
}

impl S3Storage {
    pub fn new(settings: S3Settings) -> anyhow::Result<Self> {
        let mut builder = AmazonS3Builder::from_env()
            .with_bucket_name(&settings.bucket)
            .with_virtual_hosted_style_request(!settings.path_style);
        if let Some(endpoint) = &settings.endpoint {
            builder = builder
                .with_endpoint(endpoint)
                .with_allow_http(endpoint.starts_with("http://"));
        }
        if let Some(region) = &settings.region {
            builder = builder.with_region(region);
        }
        if let Some(key) = &settings.access_key_id {
            builder = builder.with_access_key_id(key);
        }
        if let Some(secret) = &settings.secret_access_key {
            builder = builder.with_secret_access_key(secret);
        }
        let store = builder.build()?;
        Ok(S3Storage {
            store: Arc::new(store),
            staging: settings.staging_dir,
        })
    }

    fn location(key: &str) -> anyhow::Result<ObjectPath> {
        anyhow::ensure!(is_safe_key(key), "unsafe storage key {key:?}");
        Ok(ObjectPath::from(key))
    }

    async fn upload(&self, location: &ObjectPath, staged: &Path) -> anyhow::Result<()> {
        let mut file = tokio::fs::File::open(staged).await?;
        let size = file.metadata().await?.len() as usize;
        if size <= PART_BYTES {
            let mut bytes = Vec::with_capacity(size);
            file.read_to_end(&mut bytes).await?;
            self.store.put(location, PutPayload::from(bytes)).await?;
            return Ok(());
        }
        let mut upload = WriteMultipart::new_with_chunk_size(
            self.store.put_multipart(location).await?,
            PART_BYTES,
        );
        let mut buffer = vec![0u8; 256 * 1024];
        loop {
            let read = match file.read(&mut buffer).await {
                Ok(0) => break,
                Ok(read) => read,
                Err(err) => {
                    let _ = upload.abort().await;
                    return Err(err.into());
                }
            };
            // At most two parts in flight: bounded memory.
            upload.wait_for_capacity(2).await?;
            upload.write(&buffer[..read]);
        }
        upload.finish().await?;
        Ok(())
    }
}

impl FileStorage for S3Storage {
    fn put_staged<'a>(
        &'a self,
        key: &'a str,
        staged: &'a Path,
    ) -> BoxFuture<'a, anyhow::Result<()>> {
        async move {
            let location = Self::location(key)?;
            let stored = self.upload(&location, staged).await;
            if let Err(err) = tokio::fs::remove_file(staged).await {
                tracing::warn!(error = %err, path = %staged.display(), "removing a staged upload");
            }
            stored
        }
        .boxed()
    }

    fn open<'a>(&'a self, key: &'a str) -> BoxFuture<'a, anyhow::Result<Option<ByteStream>>> {
        async move {
            let location = Self::location(key)?;
            match self.store.get(&location).await {
                Ok(result) => Ok(Some(
                    result
                        .into_stream()
                        .map_err(|err| std::io::Error::other(err.to_string()))
                        .boxed(),
                )),
                Err(object_store::Error::NotFound { .. }) => Ok(None),
                Err(err) => Err(err.into()),
            }
        }
        .boxed()
    }

    fn delete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, anyhow::Result<()>> {
        async move {
            let location = Self::location(key)?;
            match self.store.delete(&location).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
                Err(err) => Err(err.into()),
            }
        }
        .boxed()
    }

    fn staging_dir(&self) -> &Path {
        &self.staging
    }
}
