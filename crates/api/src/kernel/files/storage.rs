//! The object store behind attachments (`object_store`): a local directory by default, an
//! S3-compatible bucket by configuration. Objects are keyed by attachment id, so nothing but
//! the id is needed to find a file and any instance of the server finds the same one.

use crate::kernel::config::Config;
use bytes::Bytes;
use futures_util::stream::BoxStream;
use futures_util::{StreamExt, TryStreamExt};
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload, WriteMultipart};
use std::sync::Arc;

/// S3 refuses multipart parts under 5 MiB (except the last); a local file takes any size, so
/// it is written in small pieces and an upload holds little in memory.
const S3_PART_BYTES: usize = 5 << 20;
const LOCAL_PART_BYTES: usize = 256 << 10;
/// Parts uploaded concurrently before a writer waits.
const MAX_PARTS_IN_FLIGHT: usize = 2;

pub type StorageError = object_store::Error;

/// The two objects an attachment may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    Original,
    Thumbnail,
}

pub struct Storage {
    store: Arc<dyn ObjectStore>,
    prefix: Path,
    part_bytes: usize,
}

impl Storage {
    pub fn open(config: &Config) -> anyhow::Result<Storage> {
        match &config.storage_url {
            Some(url) => {
                let rest = url.trim_start_matches("s3://");
                let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
                let store = AmazonS3Builder::from_env()
                    .with_bucket_name(bucket)
                    .build()?;
                Ok(Storage {
                    store: Arc::new(store),
                    prefix: Path::from(prefix),
                    part_bytes: S3_PART_BYTES,
                })
            }
            None => {
                std::fs::create_dir_all(&config.storage_dir)
                    .map_err(|e| anyhow::anyhow!("KEFU_STORAGE_DIR {}: {e}", config.storage_dir))?;
                // Cleanup removes the directories a deleted object leaves empty.
                let store = LocalFileSystem::new_with_prefix(&config.storage_dir)?
                    .with_automatic_cleanup(true);
                Ok(Storage {
                    store: Arc::new(store),
                    prefix: Path::default(),
                    part_bytes: LOCAL_PART_BYTES,
                })
            }
        }
    }

    pub fn key(&self, attachment_id: &str, variant: Variant) -> Path {
        let name = match variant {
            Variant::Original => attachment_id.to_owned(),
            Variant::Thumbnail => format!("{attachment_id}.thumb.jpg"),
        };
        self.prefix.clone().join("attachments").join(name)
    }

    /// Starts writing an object. Nothing is visible under `key` until [`ObjectWriter::finish`];
    /// [`ObjectWriter::abort`] (or dropping the writer) leaves nothing behind.
    pub async fn begin(&self, key: &Path) -> Result<ObjectWriter, StorageError> {
        let upload = self.store.put_multipart(key).await?;
        Ok(ObjectWriter {
            inner: WriteMultipart::new_with_chunk_size(upload, self.part_bytes),
        })
    }

    pub async fn put(&self, key: &Path, bytes: Bytes) -> Result<(), StorageError> {
        self.store.put(key, PutPayload::from(bytes)).await?;
        Ok(())
    }

    /// The object's size and its bytes as a stream; `None` when there is no such object.
    pub async fn read(
        &self,
        key: &Path,
    ) -> Result<Option<(u64, BoxStream<'static, Result<Bytes, StorageError>>)>, StorageError> {
        match self.store.get(key).await {
            Ok(found) => {
                let size = found.meta.size;
                Ok(Some((size, found.into_stream().boxed())))
            }
            Err(StorageError::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Removes an object if it exists; used to undo an upload whose record was not written.
    pub async fn remove(&self, key: &Path) {
        match self.store.delete(key).await {
            Ok(()) | Err(StorageError::NotFound { .. }) => {}
            Err(e) => tracing::warn!(error = %e, key = %key, "object could not be removed"),
        }
    }

    /// Feeds every chunk of the object to `f`; `false` when there is no such object.
    pub async fn for_each_chunk(
        &self,
        key: &Path,
        mut f: impl FnMut(&[u8]),
    ) -> Result<bool, StorageError> {
        let Some((_, mut stream)) = self.read(key).await? else {
            return Ok(false);
        };
        while let Some(chunk) = stream.try_next().await? {
            f(&chunk);
        }
        Ok(true)
    }
}

pub struct ObjectWriter {
    inner: WriteMultipart,
}

impl ObjectWriter {
    pub async fn write(&mut self, chunk: &[u8]) -> Result<(), StorageError> {
        self.inner.wait_for_capacity(MAX_PARTS_IN_FLIGHT).await?;
        self.inner.write(chunk);
        Ok(())
    }

    pub async fn finish(self) -> Result<(), StorageError> {
        self.inner.finish().await?;
        Ok(())
    }

    pub async fn abort(self) {
        if let Err(e) = self.inner.abort().await {
            tracing::warn!(error = %e, "aborted upload could not be cleaned up");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(vars: &[(&str, &str)]) -> Config {
        Config::from_lookup(|name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        })
        .unwrap()
    }

    #[test]
    fn s3_keys_live_under_the_url_prefix() {
        let storage =
            Storage::open(&config(&[("KEFU_STORAGE_URL", "s3://kefu-files/prod/v1")])).unwrap();
        assert_eq!(storage.part_bytes, S3_PART_BYTES);
        assert_eq!(
            storage.key("0193-a", Variant::Original).as_ref(),
            "prod/v1/attachments/0193-a"
        );
        assert_eq!(
            storage.key("0193-a", Variant::Thumbnail).as_ref(),
            "prod/v1/attachments/0193-a.thumb.jpg"
        );
    }

    #[actix_web::test]
    async fn an_aborted_write_leaves_nothing_and_a_finished_one_reads_back() {
        let dir = std::env::temp_dir().join(format!("kefu-storage-{}", uuid::Uuid::new_v4()));
        let dir_text = dir.display().to_string();
        let storage = Storage::open(&config(&[("KEFU_STORAGE_DIR", &dir_text)])).unwrap();
        let key = storage.key("a1", Variant::Original);

        let mut writer = storage.begin(&key).await.unwrap();
        writer.write(b"partial").await.unwrap();
        writer.abort().await;
        assert!(storage.read(&key).await.unwrap().is_none());
        let leftovers: Vec<_> = walk(&dir);
        assert!(leftovers.is_empty(), "{leftovers:?}");

        let mut writer = storage.begin(&key).await.unwrap();
        writer.write(b"hello ").await.unwrap();
        writer.write(b"world").await.unwrap();
        writer.finish().await.unwrap();
        let mut read = Vec::new();
        assert!(
            storage
                .for_each_chunk(&key, |c| read.extend_from_slice(c))
                .await
                .unwrap()
        );
        assert_eq!(read, b"hello world");
        storage.remove(&key).await;
        storage.remove(&key).await;
        assert!(walk(&dir).is_empty());
        let _ = std::fs::remove_dir_all(&dir);
    }

    fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                out.extend(walk(&path));
            } else {
                out.push(path);
            }
        }
        out
    }
}
