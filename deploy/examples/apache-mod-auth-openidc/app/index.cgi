#!/bin/sh
# The legacy application: a CGI program from before single sign-on. It
# trusts what Apache (mod_auth_openidc) tells it about the person and never
# sees a password, a code or a token. "Выйти" asks mod_auth_openidc to
# log out here and at Vhod, then to show OIDCDefaultLoggedOutURL.
printf 'Content-Type: text/html; charset=utf-8\r\n\r\n'
cat <<PAGE
<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><title>Старая система</title></head>
<body>
<h1>Старая система учёта</h1>
<p id="person">Здравствуйте, ${OIDC_CLAIM_given_name:-} ${OIDC_CLAIM_family_name:-}</p>
<p id="user">REMOTE_USER: ${REMOTE_USER:-}</p>
<p id="level">Уровень учётной записи: ${OIDC_CLAIM_account_level:-}</p>
<p><a id="logout" href="/app/redirect_uri?logout=">Выйти</a></p>
</body></html>
PAGE
