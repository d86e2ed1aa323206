// Cordon's one script. Every page works without it; it only adds an upload
// progress bar to the capture upload form, a copy button to new token
// secrets, and closes the navigation's menus on a click elsewhere or Escape. It is served from the binary (the Content-Security-Policy allows
// no inline script and no other origin).
(function () {
  "use strict";

  function enhanceUpload(form) {
    var status = document.getElementById("upload-status");
    var bar = document.getElementById("upload-progress");
    var text = document.getElementById("upload-text");
    if (!status || !bar || !text || !window.FormData || !window.XMLHttpRequest) {
      return;
    }
    form.addEventListener("submit", function (ev) {
      var input = form.querySelector("input[type=file]");
      if (!input || !input.files || input.files.length === 0) {
        return; // let the server say that a file is needed
      }
      ev.preventDefault();
      var button = form.querySelector("button[type=submit]");
      if (button) { button.disabled = true; }
      status.hidden = false;
      bar.value = 0;
      text.textContent = "Uploading… 0%";
      // The form data carries the hidden csrf field, as the plain form does.
      var data = new FormData(form);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) {
          var pct = Math.round(e.loaded / e.total * 100);
          bar.value = pct;
          text.textContent = "Uploading… " + pct + "%";
        }
      });
      xhr.addEventListener("load", function () {
        if (xhr.status >= 200 && xhr.status < 300 && xhr.responseURL) {
          text.textContent = "Uploaded. Opening the capture…";
          window.location.assign(xhr.responseURL);
          return;
        }
        var msg = "The upload failed (" + xhr.status + ").";
        try {
          var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
          var m = doc.querySelector(".error-message");
          if (m && m.textContent) { msg = m.textContent.trim(); }
        } catch (e) { /* keep the generic message */ }
        text.textContent = msg;
        if (button) { button.disabled = false; }
      });
      xhr.addEventListener("error", function () {
        text.textContent = "The upload failed: the connection to the server was lost.";
        if (button) { button.disabled = false; }
      });
      xhr.send(data);
    });
  }

  function enhanceCopy(button) {
    var target = document.getElementById(button.getAttribute("data-copy"));
    if (!target || !navigator.clipboard) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(target.value).then(function () {
        button.textContent = "Copied";
      });
    });
  }

  // The navigation's groups are <details> menus: one open at a time, and
  // closed by a click outside them or by Escape (focus returns to the
  // menu's summary, so keyboard users do not lose their place).
  function enhanceMenus() {
    var menus = document.querySelectorAll(".nav-group details");
    if (menus.length === 0) { return; }
    var closeAll = function (except) {
      for (var i = 0; i < menus.length; i++) {
        if (menus[i] !== except) { menus[i].open = false; }
      }
    };
    for (var i = 0; i < menus.length; i++) {
      menus[i].addEventListener("toggle", function (ev) {
        if (ev.target.open) { closeAll(ev.target); }
      });
    }
    document.addEventListener("click", function (ev) {
      if (!ev.target.closest || !ev.target.closest(".nav-group")) { closeAll(null); }
    });
    document.addEventListener("keydown", function (ev) {
      if (ev.key !== "Escape") { return; }
      var open = document.querySelector(".nav-group details[open]");
      if (open) {
        open.open = false;
        open.querySelector("summary").focus();
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    enhanceMenus();
    var form = document.getElementById("upload-form");
    if (form) { enhanceUpload(form); }
    var buttons = document.querySelectorAll("button[data-copy]");
    for (var i = 0; i < buttons.length; i++) { enhanceCopy(buttons[i]); }
  });
})();
