// The signing form of /account/confirm and /login/certificate: the private
// key file is read and used here, in the browser, and never sent; the
// certificate file fills the certificate field. Without JavaScript the fields
// can be filled by hand (`idp sign-challenge` prints the signature). What it
// says comes from the form's `data-text-*`, in the page's language.
(function () {
  "use strict";
  var form = document.getElementById("signature-form");
  if (!form || !window.vhodSignFile) return;
  var status = document.getElementById("signature-status");
  document.getElementById("key-file").addEventListener("change", function (event) {
    var file = event.target.files[0];
    if (!file) return;
    var challenge = form.getAttribute("data-challenge");
    window.vhodSignFile(file, challenge).then(function (signed) {
      document.getElementById("signature").value = signed.signature;
      status.textContent = form.getAttribute("data-text-signed") + " (" + signed.alg + ").";
    }, function (error) {
      status.textContent = form.getAttribute("data-text-failed") + " " + error.message;
    });
  });
  document.getElementById("certificate-file").addEventListener("change", function (event) {
    var file = event.target.files[0];
    if (!file) return;
    file.text().then(function (text) {
      document.getElementById("certificate").value = text;
    });
  });
})();
