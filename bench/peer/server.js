// node-oidc-provider 9, configured like `idp serve --demo` for scripts/bench:
// the same algorithms (RS256, PS256, ES256, EdDSA), JWT access tokens
// (RFC 9068, through resource indicators), the same lifetimes, the same
// clients, and login and consent pages of its own whose password check is
// Argon2id with Vhod's parameters (@node-rs/argon2 wraps the same Rust
// `argon2` crate Vhod uses). State lives in memory, like Vhod's embedded
// backend: in a plain adapter below, because the library's own keeps only
// the last 1,000 items and would drop the benchmark's pools of codes.
//
//   PORT=8091 node server.js
//
// Prints "listening" when it takes requests.

import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';

import { hash, verify, Algorithm } from '@node-rs/argon2';
import Provider from 'oidc-provider';

const port = Number(process.env.PORT || 8091);
const issuer = `http://127.0.0.1:${port}`;
const redirect = 'http://127.0.0.1:8090/callback';
const resource = 'urn:vhod-bench:api';

// Vhod's accounts::password: Argon2id, m = 19456 KiB, t = 2, p = 1.
const argon2 = { algorithm: Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 };
const accounts = new Map([
  ['standard@demo.vhod', {
    sub: '3f8b1f7e-6a43-4a4e-9a58-2f5f0b5a0001',
    password: await hash('Demo-pass1!', argon2),
    claims: { email: 'standard@demo.vhod', email_verified: true, given_name: 'Иван', family_name: 'Петров' },
  }],
]);
const dummy = await hash('Dummy-password-1', argon2);
const bySub = new Map([...accounts.values()].map((a) => [a.sub, a]));

function jwk(type, options, kid) {
  const { privateKey } = generateKeyPairSync(type, options);
  return { ...privateKey.export({ format: 'jwk' }), kid, use: 'sig' };
}

// Access-token algorithm per client, as Vhod's `--access-token-alg`.
const accessTokenAlg = {
  'cc-rs256': 'RS256',
  'cc-es256': 'ES256',
  'cc-eddsa': 'EdDSA',
  web: 'ES256',
};

const secret = (id) => `${id}-secret-0123456789`;
const m2m = (id) => ({
  client_id: id,
  client_secret: secret(id),
  grant_types: ['client_credentials'],
  redirect_uris: [],
  response_types: [],
});

// A Map per model with expiry, as Vhod's in-memory store keeps state.
const stores = new Map();
class MemoryAdapter {
  constructor(name) {
    if (!stores.has(name)) stores.set(name, new Map());
    this.items = stores.get(name);
    this.grants = stores.get('grants') ?? stores.set('grants', new Map()).get('grants');
  }

  async upsert(id, payload, expiresIn) {
    const expiresAt = expiresIn ? Date.now() + expiresIn * 1000 : Infinity;
    this.items.set(id, { payload, expiresAt });
    if (payload.grantId) {
      const members = this.grants.get(payload.grantId) ?? new Set();
      members.add([this.items, id]);
      this.grants.set(payload.grantId, members);
    }
  }

  async find(id) {
    const item = this.items.get(id);
    if (!item) return undefined;
    if (item.expiresAt <= Date.now()) {
      this.items.delete(id);
      return undefined;
    }
    return item.payload;
  }

  async findByUid(uid) {
    for (const [id, item] of this.items) {
      if (item.payload.uid === uid) return this.find(id);
    }
    return undefined;
  }

  async findByUserCode() {
    return undefined;
  }

  async consume(id) {
    const item = this.items.get(id);
    if (item) item.payload.consumed = Math.floor(Date.now() / 1000);
  }

  async destroy(id) {
    this.items.delete(id);
  }

  async revokeByGrantId(grantId) {
    for (const [items, id] of this.grants.get(grantId) ?? []) items.delete(id);
    this.grants.delete(grantId);
  }
}

// Expired items go once a minute, as Vhod's janitor does.
setInterval(() => {
  const now = Date.now();
  for (const [name, items] of stores) {
    if (name === 'grants') continue;
    for (const [id, item] of items) if (item.expiresAt <= now) items.delete(id);
  }
}, 60_000).unref();

const provider = new Provider(issuer, {
  adapter: MemoryAdapter,
  clients: [
    m2m('cc-rs256'),
    m2m('cc-es256'),
    m2m('cc-eddsa'),
    // Code flow, RS256 ID token, ES256 JWT access token, rotating refresh.
    {
      client_id: 'web',
      client_secret: secret('web'),
      grant_types: ['authorization_code', 'refresh_token'],
      redirect_uris: [redirect],
      id_token_signed_response_alg: 'RS256',
    },
    // Userinfo and introspection take the provider's own (opaque) tokens
    // only: node-oidc-provider neither accepts a JWT access token at
    // userinfo nor introspects one.
    {
      client_id: 'web-opaque',
      client_secret: secret('web-opaque'),
      grant_types: ['authorization_code', 'refresh_token'],
      redirect_uris: [redirect],
      id_token_signed_response_alg: 'RS256',
    },
  ],
  jwks: {
    keys: [
      jwk('rsa', { modulusLength: 2048 }, 'rsa'),
      jwk('ec', { namedCurve: 'P-256' }, 'ec'),
      jwk('ed25519', {}, 'ed'),
    ],
  },
  enabledJWA: {
    idTokenSigningAlgValues: ['RS256', 'PS256', 'ES256', 'EdDSA'],
  },
  cookies: { keys: ['vhod-bench-cookie-key-0123456789'] },
  // Vhod's defaults: code 60 s, access and ID token 600 s, refresh 30 days,
  // session 10 h, an unfinished login 30 min.
  ttl: {
    AccessToken: 600,
    AuthorizationCode: 60,
    ClientCredentials: 600,
    IdToken: 600,
    RefreshToken: 30 * 24 * 3600,
    Grant: 30 * 24 * 3600,
    Session: 10 * 3600,
    Interaction: 30 * 60,
  },
  pkce: { required: () => true },
  rotateRefreshToken: true,
  issueRefreshToken: async (ctx, client) => client.grantTypeAllowed('refresh_token'),
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['given_name', 'family_name'] },
  findAccount: async (ctx, sub) => {
    const account = bySub.get(sub);
    return account && { accountId: sub, claims: async () => ({ sub, ...account.claims }) };
  },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    revocation: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: async (ctx, client) => (accessTokenAlg[client.clientId] ? resource : undefined),
      useGrantedResource: async () => true,
      getResourceServerInfo: async (ctx, indicator, client) => ({
        scope: 'api',
        accessTokenTTL: 600,
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: accessTokenAlg[client.clientId] } },
      }),
    },
  },
  interactions: { url: async (ctx, interaction) => `/interaction/${interaction.uid}` },
});

const escape = (s) => String(s).replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
const page = (title, body) => `<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>${title}</title></head><body>${body}</body></html>`;

async function form(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

function send(res, status, html) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(html);
}

// The login and consent pages, as in the library's express example.
async function interaction(req, res) {
  const [, , uid, action] = req.url.split('?')[0].split('/');
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) return send(res, 400, page('Ошибка', 'wrong interaction'));
  if (req.method === 'GET') {
    if (details.prompt.name === 'login') {
      return send(res, 200, page('Вход', `<form method="post" action="/interaction/${escape(uid)}/login">
<input name="login"><input name="password" type="password"><button>Войти</button></form>`));
    }
    return send(res, 200, page('Согласие', `<p>${escape(details.params.client_id)}: ${escape(details.params.scope)}</p>
<form method="post" action="/interaction/${escape(uid)}/confirm"><button name="decision" value="allow">Разрешить</button></form>`));
  }
  if (action === 'login') {
    const params = await form(req);
    const account = accounts.get(params.get('login'));
    // An unknown login costs the same time as a wrong password.
    const ok = await verify(account ? account.password : dummy, params.get('password') || '');
    if (!account || !ok) {
      return send(res, 400, page('Вход', 'Неверный логин или пароль'));
    }
    return provider.interactionFinished(req, res, { login: { accountId: account.sub } }, { mergeWithLastSubmission: false });
  }
  if (action === 'confirm') {
    await form(req);
    const { prompt: { details: missing }, params, session: { accountId } } = details;
    let grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId, clientId: params.client_id });
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    if (missing.missingResourceScopes) {
      for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes)) {
        grant.addResourceScope(indicator, scopes.join(' '));
      }
    }
    const grantId = await grant.save();
    return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }
  return send(res, 404, page('Нет', 'not found'));
}

const callback = provider.callback();
createServer((req, res) => {
  if (req.url.startsWith('/interaction/')) {
    interaction(req, res).catch((e) => send(res, 500, page('Ошибка', escape(e.message))));
  } else {
    callback(req, res);
  }
}).listen(port, '127.0.0.1', () => console.log(`listening on ${issuer}`));
