// A real OpenID Connect provider for Linkwork's tests (crates/web/tests/oidc.rs): the certified
// `oidc-provider` package from npm, on a free loopback port, with one static client (Linkwork)
// and a few test accounts. Its development sign-in form takes any account id as the login (the
// password is ignored): it stands in for NHS CIS2's own sign-in page.
//
// Usage: node tests/oidc/provider.mjs <redirect URI of Linkwork>
// Prints one JSON line, {"issuer": "http://127.0.0.1:<port>"}, once it is listening; stops when
// its standard input closes (the test ends) or it is killed.

import http from 'node:http';
import Provider from 'oidc-provider';

const redirectUri = process.argv[2];
if (!redirectUri) {
  console.error('usage: node tests/oidc/provider.mjs <redirect URI>');
  process.exit(2);
}

// Account id (the login typed in the dev form, and the subject) -> claims.
const accounts = {
  'lw-subject': { email: 'lw@test.org', email_verified: true },
  // Another identity claiming the same, verified address (once lw-subject is linked, refused).
  'impostor-subject': { email: 'lw@test.org', email_verified: true },
  // The provider has not verified this address: it must not match an account.
  'unverified-subject': { email: 'lw2@test.org', email_verified: false },
  // Nobody in Linkwork has this address.
  'stranger-subject': { email: 'stranger@elsewhere.example', email_verified: true },
  // A Linkwork account that the test deactivates.
  'gone-subject': { email: 'manager@test.org', email_verified: true },
};

const CLIENT_ID = 'linkwork';
const CLIENT_SECRET = 'linkwork-test-client-secret';

const configuration = {
  clients: [{
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
    redirect_uris: [redirectUri],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  claims: { openid: ['sub'], email: ['email', 'email_verified'] },
  // Linkwork must send a PKCE challenge (S256): the provider refuses the flow otherwise.
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ['linkwork-tests-only-cookie-key'] },
  async findAccount(_ctx, id) {
    const claims = accounts[id];
    if (!claims) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...claims }; } };
  },
};

const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, configuration);
  server.on('request', provider.callback());
  console.log(JSON.stringify({ issuer }));
});

process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
