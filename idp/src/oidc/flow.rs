//! A login flow: the validated authorization request plus what has happened
//! since, kept on the server so Back, refresh and a second tab never strand
//! the person. Pages carry only the flow id.

use serde::{Deserialize, Serialize};

use super::request::AuthRequest;
use crate::app::AppState;
use crate::clock::UnixTime;
use crate::model::random_token;
use crate::store::{EphemeralExt, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flow {
    pub id: String,
    pub request: AuthRequest,
    pub created_at: UnixTime,
    /// `sid` of the session a login in this flow started: that login
    /// satisfies `prompt=login` and `max_age` for this flow.
    pub login_sid: Option<String>,
    pub consent_given: bool,
    /// A code was issued or the person declined: the flow is over.
    pub completed: bool,
}

fn key(id: &str) -> String {
    format!("flow:{id}")
}

impl Flow {
    pub fn new(request: AuthRequest, now: UnixTime) -> Self {
        Self {
            id: random_token(16).expose().to_owned(),
            request,
            created_at: now,
            login_sid: None,
            consent_given: false,
            completed: false,
        }
    }

    pub async fn load(app: &AppState, id: &str) -> Result<Option<Flow>, StoreError> {
        if id.len() > 64 {
            return Ok(None);
        }
        let flow: Option<Flow> = app.ephemeral.get_json(&key(id)).await?;
        Ok(flow.filter(|f| f.created_at + app.config.flow_ttl_secs > app.now()))
    }

    pub async fn save(&self, app: &AppState) -> Result<(), StoreError> {
        app.ephemeral
            .put_json(&key(&self.id), self, app.config.flow_ttl_secs)
            .await
    }
}
