/* Enhances the upload form (it works without this file): drag and drop onto
   the drop zone, and an XMLHttpRequest upload with a progress bar and a live
   status text. It posts the same form (CSRF token included) and follows the
   redirect to the document's page; a refusal is read out in the live region and
   the returned form (with the server's messages) replaces this one. */
(function () {
  "use strict";

  var form = document.querySelector("form[data-upload]");
  if (!form || !window.FormData || !window.XMLHttpRequest) {
    return;
  }
  var zone = form.querySelector("[data-dropzone]");
  var input = form.querySelector("input[type=file]");
  var nameOut = form.querySelector("[data-dropzone-name]");
  var progressBox = form.querySelector("[data-progress]");
  var progress = progressBox ? progressBox.querySelector("progress") : null;
  var status = form.querySelector("[data-status]");
  var lang = document.documentElement.lang === "en" ? "en" : "id";
  var TEXT = {
    id: {
      chosen: "Berkas dipilih: ",
      sending: "Mengunggah… ",
      processing: "Berkas terkirim; menyimpan…",
      failed: "Unggahan gagal. ",
      network: "Koneksi terputus; coba lagi.",
      tooLarge: "Berkas terlalu besar."
    },
    en: {
      chosen: "File chosen: ",
      sending: "Uploading… ",
      processing: "File sent; saving…",
      failed: "Upload failed. ",
      network: "The connection was lost; please try again.",
      tooLarge: "The file is too large."
    }
  }[lang];
  var submitter = null;

  function say(message) {
    if (status) {
      status.textContent = message;
    }
  }

  function showName() {
    if (nameOut && input && input.files && input.files.length) {
      nameOut.textContent = TEXT.chosen + input.files[0].name;
    }
  }

  if (zone && input) {
    input.addEventListener("change", showName);
    ["dragenter", "dragover"].forEach(function (type) {
      zone.addEventListener(type, function (event) {
        event.preventDefault();
        zone.classList.add("active");
      });
    });
    ["dragleave", "dragend"].forEach(function (type) {
      zone.addEventListener(type, function () {
        zone.classList.remove("active");
      });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      zone.classList.remove("active");
      var files = event.dataTransfer && event.dataTransfer.files;
      if (files && files.length) {
        input.files = files;
        showName();
        say(TEXT.chosen + files[0].name);
      }
    });
  }

  // Which button was pressed ("Simpan sebagai draf" or "Ajukan"/"Terbitkan").
  form.querySelectorAll("button[type=submit]").forEach(function (button) {
    button.addEventListener("click", function () {
      submitter = button;
    });
  });

  function errorText(html) {
    var page = new DOMParser().parseFromString(html, "text/html");
    var summary = page.querySelector("[role=alert]");
    var main = page.querySelector("main");
    return (summary || main || page.body).textContent.replace(/\s+/g, " ").trim();
  }

  // Show the server's messages on this form, keeping the chosen file (a
  // browser never refills a file input, so the form itself is not replaced).
  function showErrors(html) {
    var page = new DOMParser().parseFromString(html, "text/html");
    var old = document.querySelector(".error-summary");
    if (old) {
      old.remove();
    }
    form.querySelectorAll(".field-error").forEach(function (node) {
      node.remove();
    });
    form.querySelectorAll("[aria-invalid]").forEach(function (node) {
      node.removeAttribute("aria-invalid");
    });
    var summary = page.querySelector(".error-summary");
    if (summary) {
      form.parentNode.insertBefore(document.importNode(summary, true), form);
    }
    page.querySelectorAll("form[data-upload] .field-error").forEach(function (node) {
      var control = document.getElementById(node.id.replace(/-error$/, ""));
      var fresh = page.getElementById(control ? control.id : "");
      if (!control || !fresh) {
        return;
      }
      control.parentNode.insertBefore(document.importNode(node, true), control);
      control.setAttribute("aria-invalid", "true");
      control.setAttribute(
        "aria-describedby", fresh.getAttribute("aria-describedby") || node.id);
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var data = new FormData(form);
    if (submitter && submitter.name) {
      data.append(submitter.name, submitter.value);
    }
    // form.action would be the submit buttons named "action", not the URL.
    var target = new URL(form.getAttribute("action") || "", window.location.href).href;
    var request = new XMLHttpRequest();
    request.open("POST", target);
    request.setRequestHeader("Accept", "text/html");
    request.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    if (progressBox) {
      progressBox.hidden = false;
    }
    request.upload.addEventListener("progress", function (progressEvent) {
      if (progressEvent.lengthComputable && progress) {
        var percent = Math.round((progressEvent.loaded / progressEvent.total) * 100);
        progress.value = percent;
        say(TEXT.sending + percent + " %");
      }
    });
    request.upload.addEventListener("load", function () {
      say(TEXT.processing);
    });
    request.addEventListener("load", function () {
      if (request.status === 201) {
        // The server answers {"location": ...}: go there, where the message waits.
        window.location.assign(JSON.parse(request.responseText).location);
        return;
      }
      if (progressBox) {
        progressBox.hidden = true;
      }
      if (request.status === 413) {
        say(TEXT.failed + TEXT.tooLarge);
        return;
      }
      say(TEXT.failed + errorText(request.responseText));
      showErrors(request.responseText);
    });
    request.addEventListener("error", function () {
      if (progressBox) {
        progressBox.hidden = true;
      }
      say(TEXT.failed + TEXT.network);
    });
    request.send(data);
  });
})();
