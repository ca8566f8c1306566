//! Discovery and the JWKS: the documents every relying party and resource
//! server fetches. Each is serialised once per set of signing keys (they
//! change with it), then served as the same bytes with an ETag, so a
//! request allocates no body and a revalidation gets a 304.

use std::sync::{Arc, RwLock};

use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, HeaderValue, IF_NONE_MATCH};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::ctx::Ctx;
use crate::oidc::discovery;

/// How long a client may keep the discovery document.
const DISCOVERY_CACHE: &str = "public, max-age=3600";

/// A document ready to send.
struct Document {
    body: Bytes,
    etag: HeaderValue,
    cache_control: HeaderValue,
}

impl Document {
    fn new(value: &impl serde::Serialize, cache_control: HeaderValue) -> Self {
        let body = serde_json::to_vec(value).expect("a JSON value serialises");
        let digest = ring::digest::digest(&ring::digest::SHA256, &body);
        let hex: String = digest.as_ref()[..16]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        Self {
            etag: HeaderValue::from_str(&format!("\"{hex}\"")).expect("hex is a header value"),
            body: Bytes::from(body),
            cache_control,
        }
    }

    /// 304 when the client holds this version (RFC 9110 §13.1.2), else
    /// the document; both with the ETag and Cache-Control.
    fn respond(&self, req: &HttpRequest) -> HttpResponse {
        let mut res = if holds(req, &self.etag) {
            HttpResponse::NotModified().finish()
        } else {
            let mut res = HttpResponse::Ok().body(self.body.clone());
            let json = HeaderValue::from_static("application/json");
            res.headers_mut().insert(CONTENT_TYPE, json);
            res
        };
        let headers = res.headers_mut();
        headers.insert(ETAG, self.etag.clone());
        headers.insert(CACHE_CONTROL, self.cache_control.clone());
        res
    }
}

/// Whether `If-None-Match` names `etag` (weakly compared) or is `*`.
fn holds(req: &HttpRequest, etag: &HeaderValue) -> bool {
    let etag = etag.as_bytes();
    req.headers().get_all(IF_NONE_MATCH).any(|value| {
        value.as_bytes().split(|b| *b == b',').any(|tag| {
            let tag = tag.trim_ascii();
            tag == b"*" || tag.strip_prefix(b"W/").unwrap_or(tag) == etag
        })
    })
}

/// Both documents as of one generation of the signing keys.
struct Documents {
    generation: u64,
    discovery: Document,
    jwks: Document,
}

/// The documents of this server, made again when the keys change.
#[derive(Default)]
pub struct Published(RwLock<Option<Arc<Documents>>>);

impl Published {
    fn current(&self, ctx: &Ctx) -> Arc<Documents> {
        // The generation first: what is built after it is at least as new.
        let generation = ctx.keys.generation();
        if let Some(docs) = self.0.read().unwrap_or_else(|e| e.into_inner()).as_ref()
            && docs.generation == generation
        {
            return docs.clone();
        }
        let jwks_cache = format!("public, max-age={}", ctx.config.jwks_max_age_secs);
        let docs = Arc::new(Documents {
            generation,
            discovery: Document::new(
                &discovery::metadata(ctx),
                HeaderValue::from_static(DISCOVERY_CACHE),
            ),
            jwks: Document::new(
                &ctx.keys.jwks(),
                HeaderValue::from_str(&jwks_cache).expect("digits are a header value"),
            ),
        });
        *self.0.write().unwrap_or_else(|e| e.into_inner()) = Some(docs.clone());
        docs
    }
}

pub async fn configuration(
    ctx: web::Data<Ctx>,
    published: web::Data<Published>,
    req: HttpRequest,
) -> HttpResponse {
    published.current(&ctx).discovery.respond(&req)
}

/// The JWKS, cacheable for as long as a new key waits before it signs.
pub async fn jwks(
    ctx: web::Data<Ctx>,
    published: web::Data<Published>,
    req: HttpRequest,
) -> HttpResponse {
    published.current(&ctx).jwks.respond(&req)
}
