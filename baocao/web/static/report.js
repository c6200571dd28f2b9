/* The report page's few duties that HTML and htmx attributes cannot do alone. The page works
   without this file; with it: the sections' tree folds away on a phone, leaving the page with
   unsaved text (a section's, or the reviewer's remarks) asks first, a save that did not reach
   the server says so, and one refused for a while (503: the database is out of reach) is sent
   again after Retry-After. */
(function () {
  "use strict";

  var FAILED = "Chưa lưu được (mất kết nối hoặc máy chủ lỗi). Nội dung vẫn còn trong ô; " +
    "bấm “Lưu” để thử lại.";

  function textOf(form) {
    return form ? form.querySelector("textarea[name=text]") : null;
  }

  // The reviewer's return form (its reason and the remark under each section) is saved whole
  // as a draft: these boxes are tracked together, like an editor's text.
  var REVIEW = "textarea[data-review-draft]";
  function reviewBoxes() { return document.querySelectorAll(REVIEW); }

  // What the server holds for each editor: the text at load, then the text of each save.
  function remember(root) {
    root.querySelectorAll("form.editor:not([data-unsaved])").forEach(function (form) {
      var text = textOf(form);
      if (text && text.dataset.saved === undefined) { text.dataset.saved = text.value; }
    });
    root.querySelectorAll(REVIEW).forEach(function (box) {
      if (box.dataset.saved === undefined) { box.dataset.saved = box.value; }
    });
  }

  function unsaved() {
    if (document.querySelector("form[data-unsaved], .figures input[data-dirty]")) { return true; }
    return Array.prototype.some.call(
      document.querySelectorAll("form.editor textarea[name=text], " + REVIEW),
      function (text) { return text.dataset.saved !== undefined && text.value !== text.dataset.saved; }
    );
  }

  function start() {
    if (window.matchMedia("(max-width: 59.99rem)").matches) {
      document.querySelectorAll("details[data-fold-on-phone]").forEach(function (details) {
        details.open = false;
      });
    }
    remember(document);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }

  document.addEventListener("htmx:load", function (event) { remember(event.detail.elt.parentNode || document); });

  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches(".figures input")) {
      event.target.dataset.dirty = "1";
    }
  });

  document.addEventListener("htmx:configRequest", function (event) {
    var form = event.detail.elt.closest && event.detail.elt.closest("form.editor");
    var text = textOf(form);
    if (text) { form.dataset.sending = text.value; }
    if (event.detail.elt.matches && event.detail.elt.matches(REVIEW)) {
      reviewBoxes().forEach(function (box) { box.dataset.sending = box.value; });
    }
  });

  // Sent by the server when the reviewer's draft is stored: what was sent is safe to leave.
  document.addEventListener("baocao-review-saved", function () {
    reviewBoxes().forEach(function (box) {
      if (box.dataset.sending !== undefined) { box.dataset.saved = box.dataset.sending; }
    });
  });

  // Returning, or "Lưu nháp" without waiting: the form itself carries every box.
  document.addEventListener("submit", function (event) {
    Array.prototype.forEach.call(event.target.elements || [], function (box) {
      if (box.matches(REVIEW)) { box.dataset.saved = box.value; }
    });
  });

  // Sent by the server (HX-Trigger) when a section's text is stored.
  document.addEventListener("baocao-saved", function (event) {
    var form = event.target.closest && event.target.closest("form.editor");
    var text = textOf(form);
    if (text && form.dataset.sending !== undefined) { text.dataset.saved = form.dataset.sending; }
  });

  // A conflict panel arriving while the writer still types: the panel holds the text as it was
  // sent; put back what is in the box now, so keys pressed during the round trip are kept.
  var typing = {};
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    var text = target && target.matches && target.matches("form.editor") ? textOf(target) : null;
    if (text) { typing[target.id] = text.value; }
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    Object.keys(typing).forEach(function (id) {
      var form = document.getElementById(id);
      var text = textOf(form);
      if (form && form.hasAttribute("data-unsaved") && text && text.value !== typing[id]) {
        text.value = typing[id];
      }
    });
    typing = {};
  });

  // Where a failed save says so: the editor's status, or beside the figure cell.
  function placeFor(elt) {
    var form = elt.closest && elt.closest("form.editor");
    var place = form ? form.querySelector(".editor__status") : null;
    if (!place && elt.matches && elt.matches(REVIEW)) {
      place = document.getElementById("nhap-duyet-trang-thai");
    }
    if (!place && elt.matches && elt.matches(".figures input")) {
      place = elt.parentNode.querySelector(".cell-msg");
      if (!place) {
        place = document.createElement("span");
        place.className = "cell-msg cell-msg--error";
        elt.parentNode.appendChild(place);
      }
      place.setAttribute("role", "alert");
    }
    return place;
  }

  // The server's own message for an error (baocao.web.errors answers htmx with one
  // <span class="save-error">), or none.
  function serverMessage(xhr) {
    if (!xhr || !xhr.responseText) { return null; }
    var found = new DOMParser().parseFromString(xhr.responseText, "text/html")
      .querySelector("body > .save-error:only-child");
    return found ? found.textContent : null;
  }

  // 503 (the database is out of reach): send the same request again after Retry-After
  // seconds, with what the field holds then, until the server takes it.
  var retries = new Map();
  function retryLater(event) {
    var elt = event.detail.elt;
    var config = event.detail.requestConfig;
    var seconds = parseInt(event.detail.xhr.getResponseHeader("Retry-After"), 10);
    clearTimeout(retries.get(elt));
    retries.set(elt, setTimeout(function () {
      retries.delete(elt);
      if (document.body.contains(elt)) {
        htmx.ajax(config.verb.toUpperCase(), config.path, { source: elt });
      }
    }, (seconds > 0 ? seconds : 5) * 1000));
  }

  function failed(event) {
    var place = placeFor(event.detail.elt);
    if (place) {
      place.innerHTML = "";
      var message = document.createElement("span");
      message.className = "save-error";
      message.textContent = serverMessage(event.detail.xhr) || FAILED;
      place.appendChild(message);
    }
    if (event.detail.xhr && event.detail.xhr.status === 503) { retryLater(event); }
  }
  document.addEventListener("htmx:sendError", failed);
  document.addEventListener("htmx:responseError", failed);

  window.addEventListener("beforeunload", function (event) {
    if (unsaved()) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
