//! SMS through an HTTP gateway: `POST sms_gateway_url` with the JSON
//! `{"to": "+79991234567", "text": "..."}` and, when configured,
//! `Authorization: Bearer sms_gateway_token`. Any 2xx is sent; 408, 429 and
//! 5xx (and no answer within 10 s) are tried again later; other answers are
//! final.

use async_trait::async_trait;
use url::Url;

use super::{DeliveryConfigError, Message, Transport};
use crate::jobs::JobError;

pub struct Gateway {
    http: reqwest::Client,
    url: Url,
    token: Option<String>,
}

impl Gateway {
    pub fn new(url: Url, token: Option<String>) -> Result<Self, DeliveryConfigError> {
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| DeliveryConfigError(format!("sms gateway client: {e}")))?;
        Ok(Self { http, url, token })
    }
}

#[async_trait]
impl Transport for Gateway {
    async fn send(&self, message: &Message) -> Result<(), JobError> {
        let mut request = self
            .http
            .post(self.url.clone())
            .json(&serde_json::json!({"to": message.to, "text": message.text}));
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        let status = request
            .send()
            .await
            .map_err(|e| JobError::Retry(format!("sms gateway: {e}")))?
            .status();
        match status.as_u16() {
            200..=299 => Ok(()),
            408 | 429 | 500..=599 => Err(JobError::Retry(format!("sms gateway answered {status}"))),
            _ => Err(JobError::Permanent(format!(
                "sms gateway answered {status}"
            ))),
        }
    }
}
