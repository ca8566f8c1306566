//! E-mail through an SMTP server (`lettre`): `smtp_url` such as
//! `smtps://user:password@mail.example.ru` (TLS),
//! `smtp://user:password@mail.example.ru:587?tls=required` (STARTTLS) or
//! `smtp://127.0.0.1:2525` (plain, for a local relay). Postal letters go
//! the same way to the mailbox of a print-and-post service.

use async_trait::async_trait;
use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use super::{DeliveryConfigError, Kind, Message, Transport};
use crate::jobs::JobError;

#[derive(Clone)]
pub struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// Where postal letters go instead of to their (postal) address.
    postal_mailbox: Option<Mailbox>,
}

fn mailbox(address: &str, what: &str) -> Result<Mailbox, DeliveryConfigError> {
    address
        .parse()
        .map_err(|e| DeliveryConfigError(format!("{what} `{address}`: {e}")))
}

impl Smtp {
    pub fn new(url: &str, from: &str) -> Result<Self, DeliveryConfigError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| DeliveryConfigError(format!("smtp_url: {e}")))?
            .timeout(Some(std::time::Duration::from_secs(20)))
            .build();
        Ok(Self {
            transport,
            from: mailbox(from, "mail_from")?,
            postal_mailbox: None,
        })
    }

    pub fn to_postal_service(&self, mailbox_address: &str) -> Result<Self, DeliveryConfigError> {
        Ok(Self {
            postal_mailbox: Some(mailbox(mailbox_address, "postal_mailbox")?),
            ..self.clone()
        })
    }
}

#[async_trait]
impl Transport for Smtp {
    async fn send(&self, message: &Message) -> Result<(), JobError> {
        let (to, text) = match (&self.postal_mailbox, message.kind) {
            (Some(service), Kind::Letter) => (
                service.clone(),
                crate::messages::ru::postal_cover(&message.to, &message.text),
            ),
            _ => (
                message
                    .to
                    .parse()
                    .map_err(|e| JobError::Permanent(format!("address: {e}")))?,
                message.text.clone(),
            ),
        };
        let email = lettre::Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&message.subject)
            .header(ContentType::TEXT_PLAIN)
            .body(text)
            .map_err(|e| JobError::Permanent(e.to_string()))?;
        match self.transport.send(email).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_permanent() => Err(JobError::Permanent(e.to_string())),
            Err(e) => Err(JobError::Retry(e.to_string())),
        }
    }
}
