use diesel::prelude::*;

use super::transaction;
use super::{SqlStore, corrupt, flag};
use crate::model::{Aal, Client, Scopes};
use crate::store::StoreError;
use crate::store::schema::clients;

#[derive(Queryable, Insertable)]
#[diesel(table_name = clients)]
struct Row {
    id: String,
    name: String,
    secret_hash: Option<String>,
    redirect_uris: String,
    post_logout_redirect_uris: String,
    scopes: String,
    skip_consent: i32,
    min_account_level: Option<String>,
    id_token_alg: String,
    created_at: i64,
    min_acr: Option<String>,
    backchannel_logout_uri: Option<String>,
    access_token_alg: Option<String>,
    esia_certificate: Option<String>,
}

impl TryFrom<Row> for Client {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self, StoreError> {
        Ok(Client {
            redirect_uris: serde_json::from_str(&r.redirect_uris).map_err(corrupt)?,
            post_logout_redirect_uris: serde_json::from_str(&r.post_logout_redirect_uris)
                .map_err(corrupt)?,
            min_account_level: r
                .min_account_level
                .map(|l| l.parse())
                .transpose()
                .map_err(corrupt)?,
            min_aal: match r.min_acr {
                Some(urn) => Some(
                    Aal::from_urn(&urn).ok_or_else(|| corrupt(format!("unknown acr `{urn}`")))?,
                ),
                None => None,
            },
            access_token_alg: r
                .access_token_alg
                .map(|a| a.parse())
                .transpose()
                .map_err(corrupt)?,
            id: r.id,
            name: r.name,
            secret_hash: r.secret_hash,
            scopes: Scopes::parse(&r.scopes),
            skip_consent: r.skip_consent != 0,
            id_token_alg: r.id_token_alg,
            created_at: r.created_at,
            backchannel_logout_uri: r.backchannel_logout_uri,
            esia_certificate: r.esia_certificate,
        })
    }
}

impl From<&Client> for Row {
    fn from(c: &Client) -> Self {
        Row {
            id: c.id.clone(),
            name: c.name.clone(),
            secret_hash: c.secret_hash.clone(),
            redirect_uris: serde_json::to_string(&c.redirect_uris).expect("strings serialize"),
            post_logout_redirect_uris: serde_json::to_string(&c.post_logout_redirect_uris)
                .expect("strings serialize"),
            scopes: c.scopes.to_string(),
            skip_consent: flag(c.skip_consent),
            min_account_level: c.min_account_level.map(|l| l.as_str().to_owned()),
            id_token_alg: c.id_token_alg.clone(),
            created_at: c.created_at,
            min_acr: c.min_aal.map(|a| a.as_urn().to_owned()),
            backchannel_logout_uri: c.backchannel_logout_uri.clone(),
            access_token_alg: c.access_token_alg.map(|a| a.as_str().to_owned()),
            esia_certificate: c.esia_certificate.clone(),
        }
    }
}

impl SqlStore {
    pub async fn insert_client(&self, client: &Client) -> Result<(), StoreError> {
        let row = Row::from(client);
        self.run(move |conn| {
            diesel::insert_into(clients::table)
                .values(&row)
                .execute(conn)?;
            Ok(())
        })
        .await
    }

    pub async fn client(&self, id: &str) -> Result<Option<Client>, StoreError> {
        let id = id.to_owned();
        self.run(move |conn| {
            clients::table
                .find(id)
                .first::<Row>(conn)
                .optional()?
                .map(Client::try_from)
                .transpose()
        })
        .await
    }

    pub async fn clients(&self) -> Result<Vec<Client>, StoreError> {
        self.run(|conn| {
            clients::table
                .order(clients::id)
                .load::<Row>(conn)?
                .into_iter()
                .map(Client::try_from)
                .collect()
        })
        .await
    }

    /// Sets (or with `None` clears) where a client takes back-channel logout
    /// tokens; returns whether the client exists.
    pub async fn set_backchannel_logout_uri(
        &self,
        id: &str,
        uri: Option<&str>,
    ) -> Result<bool, StoreError> {
        let (id, uri) = (id.to_owned(), uri.map(str::to_owned));
        self.run(move |conn| {
            Ok(diesel::update(clients::table.find(id))
                .set(clients::backchannel_logout_uri.eq(uri))
                .execute(conn)?
                > 0)
        })
        .await
    }

    /// Sets (or with `None` clears, so the server's setting applies) what
    /// signs a client's access tokens; returns whether the client exists.
    pub async fn set_access_token_alg(
        &self,
        id: &str,
        alg: Option<keys::Algorithm>,
    ) -> Result<bool, StoreError> {
        let (id, alg) = (id.to_owned(), alg.map(|a| a.as_str().to_owned()));
        self.run(move |conn| {
            Ok(diesel::update(clients::table.find(id))
                .set(clients::access_token_alg.eq(alg))
                .execute(conn)?
                > 0)
        })
        .await
    }

    /// Deletes a client; returns whether it existed.
    /// Deletes a client (its refresh tokens go with it) and revokes its
    /// grants, so its access tokens stop at once; whether it existed.
    pub async fn delete_client(&self, id: &str) -> Result<bool, StoreError> {
        use crate::store::schema::grants;
        let id = id.to_owned();
        self.run(move |conn| {
            transaction::write(conn, |conn| {
                diesel::update(grants::table.filter(grants::client_id.eq(&id)))
                    .set(grants::revoked.eq(1))
                    .execute(conn)?;
                Ok(diesel::delete(clients::table.find(&id)).execute(conn)? > 0)
            })
        })
        .await
    }
}
