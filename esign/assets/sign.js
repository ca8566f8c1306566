// Vhod browser signer: signs a server challenge with a PKCS#8 private key file
// using WebCrypto, so the key never leaves the browser. Plain JS, no libraries.
//
//   const { signature, alg } = await vhodSign(pemText, challenge);
//   const { signature, alg } = await vhodSignFile(fileInput.files[0], challenge);
//
// signature: base64url without padding; alg: "RS256" or "ES256" (r||s form).
// crypto.subtle exists only in secure contexts (HTTPS or localhost).
(function (global) {
  "use strict";

  // Tried in order: importKey fails with a DataError when the key is of another kind.
  var KINDS = [
    {
      alg: "RS256",
      key: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
      sign: { name: "RSASSA-PKCS1-v1_5" }
    },
    {
      alg: "ES256",
      key: { name: "ECDSA", namedCurve: "P-256" },
      sign: { name: "ECDSA", hash: "SHA-256" }
    }
  ];

  function pkcs8Der(pemText) {
    var m = /-----BEGIN PRIVATE KEY-----([A-Za-z0-9+\/=\s]+)-----END PRIVATE KEY-----/.exec(pemText);
    if (!m) {
      throw new Error("not a PKCS#8 PEM private key (-----BEGIN PRIVATE KEY-----)");
    }
    var binary = atob(m[1].replace(/\s+/g, ""));
    var der = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) {
      der[i] = binary.charCodeAt(i);
    }
    return der;
  }

  function base64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) {
      binary += String.fromCharCode(bytes[i]);
    }
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  async function vhodSign(pemText, challenge) {
    if (!global.crypto || !global.crypto.subtle) {
      throw new Error("WebCrypto is unavailable: open the page over HTTPS");
    }
    var der = pkcs8Der(pemText);
    var data = new TextEncoder().encode(challenge);
    for (var i = 0; i < KINDS.length; i++) {
      var kind = KINDS[i];
      var key;
      try {
        key = await global.crypto.subtle.importKey("pkcs8", der, kind.key, false, ["sign"]);
      } catch (e) {
        continue;
      }
      var sig = await global.crypto.subtle.sign(kind.sign, key, data);
      return { signature: base64url(sig), alg: kind.alg };
    }
    throw new Error("the key is neither RSA nor ECDSA P-256");
  }

  async function vhodSignFile(file, challenge) {
    return vhodSign(await file.text(), challenge);
  }

  global.vhodSign = vhodSign;
  global.vhodSignFile = vhodSignFile;
})(typeof window !== "undefined" ? window : globalThis);
