// An OAuth 2.0 authorization server tdk did not write, for the interop test
// (tests/t5200-oauth-interop.sh): npm oidc-provider on 127.0.0.1, port 0.
//
//   node oauth-server.mjs PORT_FILE SECRET_FILE
//
// Clients (their secret is the first line of SECRET_FILE): tdk-app (client
// credentials, client_secret_basic), tdk-app-post (client credentials,
// client_secret_post), tdk-user (authorization code with PKCE and refresh,
// a native client whose redirect is the loopback on any port, RFC 8252 §7.3).
// The login and consent pages are answered by the server itself for the
// account "trader", so that the test's browser, curl, only follows redirects.
// Writes its port to PORT_FILE once it listens; stops on SIGTERM.
import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import http from 'node:http';
import Provider from 'oidc-provider';

const [portFile, secretFile] = process.argv.slice(2);
const secret = readFileSync(secretFile, 'utf8').split(/\r?\n/)[0];
let provider;

async function interaction(req, res) {
  const details = await provider.interactionDetails(req, res);
  let result;
  if (details.prompt.name === 'login') {
    result = { login: { accountId: 'trader' } };
  } else {
    const grant = details.grantId ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
    grant.addOIDCScope(details.params.scope);
    result = { consent: { grantId: await grant.save() } };
  }
  await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
}

const server = http.createServer((req, res) => {
  if (req.url.startsWith('/interaction/')) {
    interaction(req, res).catch((e) => { res.statusCode = 500; res.end(String(e)); });
  } else {
    provider.callback()(req, res);
  }
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  provider = new Provider(`http://127.0.0.1:${port}`, {
    clients: [
      { client_id: 'tdk-app', client_secret: secret, grant_types: ['client_credentials'],
        redirect_uris: [], response_types: [], token_endpoint_auth_method: 'client_secret_basic',
        scope: 'write:customs-declaration' },
      { client_id: 'tdk-app-post', client_secret: secret, grant_types: ['client_credentials'],
        redirect_uris: [], response_types: [], token_endpoint_auth_method: 'client_secret_post',
        scope: 'write:customs-declaration' },
      { client_id: 'tdk-user', client_secret: secret, application_type: 'native',
        grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'],
        redirect_uris: ['http://127.0.0.1/callback'], token_endpoint_auth_method: 'client_secret_basic' },
    ],
    features: { clientCredentials: { enabled: true }, devInteractions: { enabled: false } },
    scopes: ['openid', 'offline_access', 'write:customs-declaration'],
    interactions: { url: (ctx, i) => `/interaction/${i.uid}` },
    issueRefreshToken: async (ctx, client) => client.grantTypeAllowed('refresh_token'),
    findAccount: async (ctx, id) => ({ accountId: id, claims: async () => ({ sub: id }) }),
    ttl: { AccessToken: 600, ClientCredentials: 600 },
  });
  writeFileSync(`${portFile}.tmp`, `${port}\n`);
  renameSync(`${portFile}.tmp`, portFile);
});

process.on('SIGTERM', () => server.close(() => process.exit(0)));
