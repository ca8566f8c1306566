use std::time::Duration;

use async_trait::async_trait;
use redis::AsyncCommands;
use redis::aio::ConnectionManager;

use super::Ephemeral;
use crate::store::StoreError;

/// Short-lived state in Redis, shared by every node.
#[derive(Clone)]
pub struct RedisStore {
    conn: ConnectionManager,
    prefix: String,
}

fn err(e: redis::RedisError) -> StoreError {
    StoreError::Cache(e.to_string())
}

impl RedisStore {
    pub async fn connect(url: &str, prefix: &str) -> Result<Self, StoreError> {
        let client = redis::Client::open(url).map_err(err)?;
        let config = redis::aio::ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(5)))
            .set_response_timeout(Some(Duration::from_secs(5)))
            .set_number_of_retries(2);
        let conn = tokio::time::timeout(
            Duration::from_secs(10),
            ConnectionManager::new_with_config(client, config),
        )
        .await
        .map_err(|_| StoreError::Cache("Redis did not answer within 10 s".into()))?
        .map_err(err)?;
        Ok(Self {
            conn,
            prefix: prefix.to_owned(),
        })
    }

    fn key(&self, key: &str) -> String {
        format!("{}{}", self.prefix, key)
    }

    /// `SET key value PX ttl`.
    fn set(&self, key: &str, value: Vec<u8>, ttl: Duration) -> redis::Cmd {
        let ms = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1);
        let mut cmd = redis::cmd("SET");
        cmd.arg(self.key(key)).arg(value).arg("PX").arg(ms);
        cmd
    }
}

#[async_trait]
impl Ephemeral for RedisStore {
    async fn put(&self, key: &str, value: Vec<u8>, ttl: Duration) -> Result<(), StoreError> {
        let mut conn = self.conn.clone();
        self.set(key, value, ttl)
            .query_async::<()>(&mut conn)
            .await
            .map_err(err)
    }

    async fn put_new(&self, key: &str, value: Vec<u8>, ttl: Duration) -> Result<bool, StoreError> {
        let mut conn = self.conn.clone();
        // SET ... NX answers OK when it set the value, nil when one was there.
        let set: Option<String> = self
            .set(key, value, ttl)
            .arg("NX")
            .query_async(&mut conn)
            .await
            .map_err(err)?;
        Ok(set.is_some())
    }

    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let mut conn = self.conn.clone();
        conn.get(self.key(key)).await.map_err(err)
    }

    async fn take(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let mut conn = self.conn.clone();
        // GETDEL is atomic: two nodes can never both redeem one code.
        conn.get_del(self.key(key)).await.map_err(err)
    }

    async fn swap(
        &self,
        key: &str,
        value: Vec<u8>,
        ttl: Duration,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        let mut conn = self.conn.clone();
        // SET ... GET (Redis 6.2+) sets and returns the old value atomically.
        self.set(key, value, ttl)
            .arg("GET")
            .query_async::<Option<Vec<u8>>>(&mut conn)
            .await
            .map_err(err)
    }

    async fn replace_if(
        &self,
        key: &str,
        expected: &[u8],
        new: Option<Vec<u8>>,
        ttl: Duration,
    ) -> Result<bool, StoreError> {
        // A script runs alone on the server: nothing comes between the
        // comparison and the write.
        static SCRIPT: std::sync::LazyLock<redis::Script> = std::sync::LazyLock::new(|| {
            redis::Script::new(
                r"
                if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
                if ARGV[2] == 'set' then
                    redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[4])
                else
                    redis.call('DEL', KEYS[1])
                end
                return 1",
            )
        });
        let mut conn = self.conn.clone();
        let ms = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1);
        let mut invocation = SCRIPT.key(self.key(key));
        invocation.arg(expected);
        match new {
            Some(value) => invocation.arg("set").arg(value).arg(ms),
            None => invocation.arg("del").arg("").arg(ms),
        };
        let replaced: i64 = invocation.invoke_async(&mut conn).await.map_err(err)?;
        Ok(replaced == 1)
    }

    async fn delete(&self, key: &str) -> Result<(), StoreError> {
        let mut conn = self.conn.clone();
        conn.del::<_, ()>(self.key(key)).await.map_err(err)
    }

    async fn incr(&self, key: &str, ttl: Duration) -> Result<i64, StoreError> {
        let mut conn = self.conn.clone();
        let ms = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1);
        let key = self.key(key);
        // One transaction: the count and, for a new counter only, its expiry.
        let (count,): (i64,) = redis::pipe()
            .atomic()
            .incr(&key, 1)
            .cmd("PEXPIRE")
            .arg(&key)
            .arg(ms)
            .arg("NX")
            .ignore()
            .query_async(&mut conn)
            .await
            .map_err(err)?;
        Ok(count)
    }

    async fn purge_expired(&self) -> Result<usize, StoreError> {
        // Redis expires keys by itself.
        Ok(0)
    }

    async fn ping(&self) -> Result<(), StoreError> {
        let mut conn = self.conn.clone();
        redis::cmd("PING")
            .query_async::<String>(&mut conn)
            .await
            .map(|_| ())
            .map_err(err)
    }
}
