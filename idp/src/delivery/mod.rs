//! Delivery of codes, links and letters to people: SMS, e-mail and postal
//! letters, each through the transport the configuration names — the dev
//! outbox by default, SMTP (`smtp_url`), an HTTP SMS gateway
//! (`sms_gateway_url`). Pages never send directly: `Ctx::queue_message`
//! queues a durable [`DELIVER`] job, so a slow or down gateway neither fails
//! nor blocks a page, and the job is retried with backoff until it gets
//! through. This module holds the transports only.

mod contact;
mod outbox;
mod sms;
mod smtp;

pub use contact::{Prefer, Unverified, contact};
pub use outbox::{DevOutbox, OutboxEntry};

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::clock::UnixTime;
use crate::config::Config;
use crate::jobs::{self, JobError};
use crate::store::{SqlStore, StoreError};

/// How a message travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Sms,
    Email,
    /// A paper letter by registered post; `to` is the postal address.
    Letter,
}

/// One message to one person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub kind: Kind,
    pub to: String,
    pub subject: String,
    pub text: String,
    /// The one-time code the text carries, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The link the text carries, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
}

impl Message {
    /// A notice's words to `to`, by `kind`, carrying no code or link.
    pub fn notice(kind: Kind, to: impl Into<String>, words: crate::messages::Words) -> Self {
        Self {
            kind,
            to: to.into(),
            subject: words.subject,
            text: words.text,
            code: None,
            link: None,
        }
    }

    /// The one-time code its text carries.
    pub fn with_code(self, code: impl Into<String>) -> Self {
        Self {
            code: Some(code.into()),
            ..self
        }
    }

    /// The link its text carries.
    pub fn with_link(self, link: String) -> Self {
        Self {
            link: Some(link),
            ..self
        }
    }
}

/// Something that can carry a message.
#[async_trait]
pub trait Transport: Send + Sync {
    async fn send(&self, message: &Message) -> Result<(), JobError>;
}

#[derive(Debug, thiserror::Error)]
#[error("delivery configuration: {0}")]
pub struct DeliveryConfigError(String);

/// The transport of each kind of message, built once from the configuration.
pub struct Delivery {
    sms: Box<dyn Transport>,
    email: Box<dyn Transport>,
    letter: Box<dyn Transport>,
    /// The dev outbox, when any kind goes there (for `/dev/outbox`).
    pub outbox: Option<DevOutbox>,
}

impl std::fmt::Debug for Delivery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Delivery").finish_non_exhaustive()
    }
}

impl Delivery {
    pub fn from_config(config: &Config) -> Result<Self, DeliveryConfigError> {
        let outbox = DevOutbox::new(config.data_dir.join("outbox"));
        let dev = || -> Box<dyn Transport> { Box::new(outbox.clone()) };
        let smtp = match &config.smtp_url {
            Some(url) => Some(smtp::Smtp::new(&url.0, &config.mail_from)?),
            None => None,
        };
        let email: Box<dyn Transport> = match &smtp {
            Some(smtp) => Box::new(smtp.clone()),
            None => dev(),
        };
        let letter: Box<dyn Transport> = match (&smtp, &config.postal_mailbox) {
            (Some(smtp), Some(mailbox)) => Box::new(smtp.to_postal_service(mailbox)?),
            _ => dev(),
        };
        let sms: Box<dyn Transport> = match &config.sms_gateway_url {
            Some(url) => Box::new(sms::Gateway::new(
                url.clone(),
                config.sms_gateway_token.as_ref().map(|t| t.0.clone()),
            )?),
            None => dev(),
        };
        let uses_outbox = !Self::kinds_to_outbox(config).is_empty();
        Ok(Self {
            sms,
            email,
            letter,
            outbox: uses_outbox.then_some(outbox),
        })
    }

    /// The kinds of message `config` sends to the dev outbox.
    pub fn kinds_to_outbox(config: &Config) -> Vec<&'static str> {
        Self::missing_transports(config)
            .into_iter()
            .map(|(kind, _)| kind)
            .collect()
    }

    /// Each kind of message without a transport, with the settings that
    /// would give it one.
    fn missing_transports(config: &Config) -> Vec<(&'static str, Vec<&'static str>)> {
        let smtp = config.smtp_url.is_some();
        let mut missing = Vec::new();
        if config.sms_gateway_url.is_none() {
            missing.push(("SMS", vec!["sms_gateway_url (IDP_SMS_GATEWAY_URL)"]));
        }
        if !smtp {
            missing.push(("e-mail", vec!["smtp_url (IDP_SMTP_URL)"]));
        }
        if !smtp || config.postal_mailbox.is_none() {
            let mut needs = vec!["postal_mailbox (IDP_POSTAL_MAILBOX)"];
            if !smtp {
                needs.insert(0, "smtp_url (IDP_SMTP_URL)");
            }
            missing.push(("letters", needs));
        }
        missing
    }

    /// Refuses a production start (PostgreSQL, not the demo) that would
    /// write SMS, e-mail or letters, one-time codes and all, to files on the
    /// node, unless the outbox was chosen: `dev_outbox` (dev mode) or
    /// `outbox_delivery`. The embedded default (SQLite) is a developer's
    /// machine and keeps the outbox.
    pub fn check_production(config: &Config) -> Result<(), DeliveryConfigError> {
        if !config.is_production() || config.demo || config.dev_outbox || config.outbox_delivery {
            return Ok(());
        }
        let missing = Self::missing_transports(config);
        if missing.is_empty() {
            return Ok(());
        }
        let each: Vec<String> = missing
            .iter()
            .map(|(kind, needs)| format!("{kind}: set {}", needs.join(" and ")))
            .collect();
        Err(DeliveryConfigError(format!(
            "production mode (PostgreSQL) would write {} with their one-time codes to files in {}; \
             configure a transport for each ({}), or, to keep them in those files on purpose, \
             set outbox_delivery = true (IDP_OUTBOX_DELIVERY=true)",
            missing
                .iter()
                .map(|(kind, _)| *kind)
                .collect::<Vec<_>>()
                .join(", "),
            config.data_dir.join("outbox").display(),
            each.join("; ")
        )))
    }

    fn transport(&self, kind: Kind) -> &dyn Transport {
        match kind {
            Kind::Sms => self.sms.as_ref(),
            Kind::Email => self.email.as_ref(),
            Kind::Letter => self.letter.as_ref(),
        }
    }
}

/// The job kind of a message waiting for its transport.
pub const DELIVER: &str = "deliver";

/// Queues `message` from a process without a worker (the admin CLI); a
/// node queues with `Ctx::queue_message`, which also wakes its worker.
pub async fn queue(sql: &SqlStore, message: &Message, now: UnixTime) -> Result<(), StoreError> {
    jobs::insert(sql, DELIVER, message, now, now).await?;
    Ok(())
}

/// Runs a delivery job: hands the message to its transport.
pub async fn deliver(transports: &Delivery, payload: &str) -> Result<(), JobError> {
    let message: Message = serde_json::from_str(payload)
        .map_err(|e| JobError::Permanent(format!("not a message: {e}")))?;
    transports.transport(message.kind).send(&message).await
}
