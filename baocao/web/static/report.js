/* The report page's few duties that HTML and htmx attributes cannot do alone. The page works
   without this file; with it: the sections' tree folds away on a phone, leaving the page with
   unsaved text (a section's, or the reviewer's remarks) asks first, a save that did not reach
   the server says so, and one refused for a while (503: the database is out of reach) is sent
   again after Retry-After.

   Nothing typed is lost to a dead line or a dead tab: every change of a section's text (and of
   a figure) is kept on this device, in localStorage under the user and the report, until the
   server says it has it; saves that never reached the server are sent again when the line comes
   back; a copy left by a tab that died is offered back ("Khôi phục / Bỏ"), never put in silently.

   On a phone the report shows one section at a time, with the previous and next ones a button
   away and the sections' tree as the menu; a desktop, print and a page without this script show
   the whole report.

   What this file says comes from the page (#ban-tren-may and the templates beside it, in
   campaigns/report/_local_copies.html), in the page's language; FAILED below is only the
   fallback for a page without them. */
(function () {
  "use strict";

  var FAILED = "Chưa lưu được (mất kết nối hoặc máy chủ lỗi). Nội dung vẫn còn trong ô; " +
    "bấm “Lưu” để thử lại.";  // only for a page without #ban-tren-may
  var RETRY_EVERY = 15000;  // ms between attempts to send what never reached the server

  function texts() { return document.getElementById("ban-tren-may"); }
  function said(name, fallback) {
    var holder = texts();
    return (holder && holder.dataset[name]) || fallback;
  }

  function textOf(form) {
    return form ? form.querySelector("textarea[name=text]") : null;
  }

  // A section whose textarea is under the rich-text editor (report-editor.js): the field
  // holds HTML, shown to people as lines.
  function rich(form) { return !!(form && window.BaocaoRich && window.BaocaoRich.on(form)); }
  function shown(text) { return window.BaocaoRich ? window.BaocaoRich.lines(text) : text; }

  function editorOf(elt) {
    return elt && elt.closest ? elt.closest("form.editor") : null;
  }

  function isCell(elt) {
    return !!(elt && elt.matches && elt.matches(".figures input[name^='v-']"));
  }

  // --- Copies on this device ------------------------------------------------------------------

  // One entry per section ("muc:<section id>": {text, base, at}) and per figure
  // ("o:<field>": {raw, at}), under the user and the report the page names.
  var local = (function () {
    var holder = texts();
    var key = holder && holder.dataset.key;
    var storage = null;
    try {
      storage = key ? window.localStorage : null;
    } catch (error) {
      storage = null;  // storage refused (privacy settings): the page works as before
    }
    var prefix = "baocao:chua-luu:" + key + ":";
    return {
      on: !!storage,
      get: function (part) {
        try {
          var found = storage && storage.getItem(prefix + part);
          return found ? JSON.parse(found) : null;
        } catch (error) {
          return null;
        }
      },
      put: function (part, value) {
        try {
          if (storage) { storage.setItem(prefix + part, JSON.stringify(value)); }
        } catch (error) { /* full: the text is still in its box */ }
      },
      drop: function (part) {
        try {
          if (storage) { storage.removeItem(prefix + part); }
        } catch (error) { /* nothing to do */ }
      },
      parts: function (start) {
        var found = [];
        try {
          for (var i = 0; storage && i < storage.length; i++) {
            var name = storage.key(i);
            if (name && name.indexOf(prefix + start) === 0) { found.push(name.slice(prefix.length)); }
          }
        } catch (error) { /* none */ }
        return found;
      }
    };
  })();

  function sectionPart(form) { return form && form.dataset.section ? "muc:" + form.dataset.section : ""; }

  function baseOf(form) {
    var base = form.querySelector("input[name=base_version]");
    return base ? parseInt(base.value, 10) || 0 : 0;
  }

  // Kept at every change. In the conflict panel the copy keeps the version it was written
  // against, so that bringing it back after a crash meets the conflict again, not their text.
  function keepText(form) {
    var part = sectionPart(form);
    var text = textOf(form);
    if (!local.on || !part || !text) { return; }
    var before = local.get(part);
    var base = form.hasAttribute("data-unsaved") ? (before ? before.base : 0) : baseOf(form);
    local.put(part, { text: text.value, base: base, at: Date.now() });
  }

  // A figure's copy keeps what the cell held on the server when it was typed (the page's
  // hidden "o-" field), so that bringing it back later is checked against what the server
  // holds then: a figure someone else changed meanwhile is refused and shown, not overwritten.
  function storedOf(input) {
    return input.form ? input.form.elements["o-" + input.name] : null;
  }

  function keepCell(input) {
    var stored = storedOf(input);
    if (local.on) {
      local.put("o:" + input.name, { raw: input.value, was: stored ? stored.value : null, at: Date.now() });
    }
  }

  // The server has `sent`: the copy goes, unless more was typed meanwhile; that copy now
  // stands on the version just saved.
  function settleText(form, sent, version) {
    var part = sectionPart(form);
    var copy = part ? local.get(part) : null;
    if (!copy) { return; }
    if (copy.text === sent) {
      local.drop(part);
    } else if (version) {
      copy.base = version;
      local.put(part, copy);
    }
  }

  // --- What the server holds, and what leaving would lose ------------------------------------

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

  document.addEventListener("htmx:load", function (event) { remember(event.detail.elt.parentNode || document); });

  document.addEventListener("input", function (event) {
    var target = event.target;
    if (!target.matches) { return; }
    if (target.matches(".figures input")) {
      target.dataset.dirty = "1";
      if (isCell(target)) { keepCell(target); }
      if (!navigator.onLine) { say(target, said("pending", FAILED), "pending"); }
    } else if (target.matches("form.editor textarea[name=text]")) {
      var form = editorOf(target);
      keepText(form);
      if (!navigator.onLine) { say(form, said("pending", FAILED), "pending"); }
    }
  });

  document.addEventListener("htmx:configRequest", function (event) {
    var form = editorOf(event.detail.elt);
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

  // Sent by the server (HX-Trigger, before the answer is swapped in) when a section's text is
  // stored, with the new version.
  document.addEventListener("baocao-saved", function (event) {
    var form = editorOf(event.target);
    var text = textOf(form);
    if (text && form.dataset.sending !== undefined) {
      text.dataset.saved = form.dataset.sending;
      settleText(form, form.dataset.sending, event.detail && event.detail.version);
    }
  });

  // After a conflict, "Dùng bản của họ": the writer's own text is dropped on purpose.
  document.addEventListener("baocao-mine-dropped", function (event) {
    var part = sectionPart(editorOf(event.target));
    if (part) { local.drop(part); }
  });

  // A figure's answer: the server read what was sent (stored it, or said why not beside it).
  var sentCells = new WeakMap();
  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    var inputs = isCell(elt) ? [elt]
      : (elt.matches && elt.matches("form.figures") ? Array.prototype.filter.call(elt.elements, isCell) : []);
    if (inputs.length) {
      sentCells.set(event.detail.xhr, inputs.map(function (input) { return [input.name, input.value]; }));
    }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var sent = sentCells.get(event.detail.xhr);
    if (!sent || !event.detail.successful) { return; }
    sentCells.delete(event.detail.xhr);
    setTimeout(function () {  // after the answer is in place: a refused figure keeps its copy
      sent.forEach(function (pair) {
        var copy = local.get("o:" + pair[0]);
        var input = document.querySelector(".figures input[name='" + CSS.escape(pair[0]) + "']");
        if (input && input.getAttribute("aria-invalid") === "true") { return; }
        if (copy && copy.raw === pair[1]) { local.drop("o:" + pair[0]); }
      });
    }, 0);
  });

  // A conflict panel arriving while the writer still types: the panel holds the text as it was
  // sent; put back what is in the box now, so keys pressed during the round trip are kept.
  var typing = {};
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    var text = target && target.matches && target.matches("form.editor") ? textOf(target) : null;
    if (text && rich(target)) {
      // The rich editor's field holds HTML; the panel shows lines. Only keys pressed during
      // the round trip are put back, as lines; the copy on this device becomes lines anyway.
      var more = text.value !== target.dataset.sending;
      typing[target.id] = {
        text: more ? window.BaocaoRich.lines(text.value) : null,
        html: more ? text.value : null,  // the panel keeps it beside the lines ("Giữ bản của tôi")
        rich: true
      };
    } else if (text) {
      typing[target.id] = { text: text.value, rich: false };
    }
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    Object.keys(typing).forEach(function (id) {
      var form = document.getElementById(id);
      var text = textOf(form);
      if (!form || !form.hasAttribute("data-unsaved") || !text) { return; }
      var typed = typing[id];
      var changed = typed.text !== null && text.value !== typed.text;
      if (changed) { text.value = typed.text; }
      var html = form.querySelector("input[name=mine_html]");
      if (typed.html && html) { html.value = typed.html; }  // the server sanitises it
      if (changed || typed.rich) { keepText(form); }
    });
    typing = {};
  });

  // --- A save that failed ---------------------------------------------------------------------

  // Where a failed save says so: the editor's status, or beside the figure cell.
  function placeFor(elt) {
    var form = editorOf(elt);
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

  function say(elt, words, kind) {
    var place = placeFor(elt);
    if (!place) { return; }
    var shown = place.querySelector(".save-error");
    if (shown && shown.textContent === words) { return; }
    place.innerHTML = "";
    var message = document.createElement("span");
    message.className = "save-error" + (kind ? " save-error--" + kind : "");
    message.textContent = words;
    place.appendChild(message);
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

  // Saves that never reached the server (no line, or the server down): an editor's form or a
  // figure's input, sent again on the `online` event and every RETRY_EVERY ms until one gets
  // an answer. The copy on this device holds their text meanwhile.
  var waiting = new Set();

  function stillHere(elt) {
    if (document.body.contains(elt)) { return elt; }
    if (elt.id) { return document.getElementById(elt.id); }
    return null;
  }

  function sendAgain() {
    if (!navigator.onLine) { return; }
    var now = Array.from(waiting);
    waiting.clear();
    now.forEach(function (elt) {
      var here = stillHere(elt);
      // A conflict panel waits for the writer's choice; a submitted report has no editor.
      if (!here || here.hasAttribute("data-unsaved") || !here.getAttribute("hx-post")) { return; }
      htmx.ajax("POST", here.getAttribute("hx-post"), { source: here });
    });
  }
  window.addEventListener("online", sendAgain);
  setInterval(function () { if (waiting.size) { sendAgain(); } }, RETRY_EVERY);

  document.addEventListener("htmx:sendError", function (event) {
    var elt = event.detail.elt;
    var form = editorOf(elt);
    var kept = local.on && ((form && form.dataset.section) || isCell(elt));
    if (kept) {
      waiting.add(form || elt);
      say(elt, said("pending", FAILED), "pending");
    } else {
      say(elt, said("failed", FAILED));
    }
  });

  document.addEventListener("htmx:responseError", function (event) {
    say(event.detail.elt, serverMessage(event.detail.xhr) || said("failed", FAILED));
    if (event.detail.xhr && event.detail.xhr.status === 503) { retryLater(event); }
  });

  window.addEventListener("beforeunload", function (event) {
    if (unsaved()) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // --- A copy left by a tab that died: offered back ------------------------------------------

  function pad(number) { return (number < 10 ? "0" : "") + number; }

  function offerBox(templateId, copy) {
    var template = document.getElementById(templateId);
    if (!template) { return null; }
    var box = template.content.firstElementChild.cloneNode(true);
    var when = new Date(copy.at || Date.now());
    var time = box.querySelector(".restore__when");
    time.textContent = pad(when.getHours()) + ":" + pad(when.getMinutes()) + " " +
      pad(when.getDate()) + "/" + pad(when.getMonth() + 1) + "/" + when.getFullYear();
    time.setAttribute("datetime", when.toISOString());
    return box;
  }

  // The copy goes only if it is still the one offered (typing since then made a new one).
  function dropIfSame(part, copy) {
    var now = local.get(part);
    if (now && now.at === copy.at) { local.drop(part); }
  }

  // The section's entry in the menu says it has a copy waiting (on a phone the offer may be
  // in a section not shown); the answer takes the mark off again.
  function markMenu(form) {
    var section = form.closest(".rs");
    var link = section ? document.querySelector(".report-nav a[href='#" + CSS.escape(section.id) + "']") : null;
    var mark = document.getElementById("mau-dau-chua-luu");
    if (!link || !mark) { return function () {}; }
    link.insertBefore(mark.content.cloneNode(true), link.firstChild);
    return function () {
      link.querySelectorAll("[data-unsaved-mark]").forEach(function (old) { old.remove(); });
    };
  }

  function offerText(form, copy) {
    var part = sectionPart(form);
    var box = offerBox("mau-khoi-phuc", copy);
    if (!box) { return; }
    var unmark = markMenu(form);
    box.querySelector(".restore__text").value = shown(copy.text);
    box.querySelector("[data-restore]").addEventListener("click", function () {
      var here = stillHere(form);
      var text = textOf(here);
      box.remove();
      unmark();
      if (!text) { return; }
      text.value = copy.text;
      if (rich(here)) {  // the editor shows it and writes it its way: that is the copy now
        text.dispatchEvent(new Event("baocao-text-set"));
        copy = { text: text.value, base: copy.base, at: copy.at };
      }
      // Sent against the version it was written on: if someone saved since, the server
      // answers with the conflict panel, both texts side by side.
      var base = here.querySelector("input[name=base_version]");
      if (base && !here.hasAttribute("data-unsaved")) { base.value = String(copy.base || 0); }
      local.put(part, copy);
      if (rich(here)) { window.BaocaoRich.editor(here).commands.focus(); } else { text.focus(); }
      htmx.ajax("POST", here.getAttribute("hx-post"), { source: here });
    });
    box.querySelector("[data-drop]").addEventListener("click", function () {
      dropIfSame(part, copy);
      box.remove();
      unmark();
    });
    form.parentNode.insertBefore(box, form);
  }

  function offerCells(table, found) {
    var box = offerBox("mau-khoi-phuc-so-lieu", found[0].copy);
    if (!box) { return; }
    var unmark = markMenu(table);
    var list = box.querySelector(".restore__cells");
    found.forEach(function (item) {
      var line = document.createElement("li");
      line.textContent = (item.input.getAttribute("aria-label") || item.input.name) + ": " + item.copy.raw;
      list.appendChild(line);
    });
    box.querySelector("[data-restore]").addEventListener("click", function () {
      box.remove();
      unmark();
      found.forEach(function (item) {
        var input = stillHere(item.input);
        if (!input) { return; }
        input.value = item.copy.raw;
        var stored = storedOf(input);
        if (stored && item.copy.was !== null && item.copy.was !== undefined) {
          stored.value = item.copy.was;  // the server checks the figure has not moved since
        }
        input.dataset.dirty = "1";
        local.put(item.part, item.copy);
        htmx.trigger(input, "change");
      });
    });
    box.querySelector("[data-drop]").addEventListener("click", function () {
      found.forEach(function (item) { dropIfSame(item.part, item.copy); });
      box.remove();
      unmark();
    });
    table.parentNode.insertBefore(box, table);
  }

  function offerCopies() {
    if (!local.on) { return; }
    document.querySelectorAll("form.editor[data-section]").forEach(function (form) {
      var part = sectionPart(form);
      var copy = local.get(part);
      var text = textOf(form);
      if (!copy || !text) { return; }
      if (copy.text === text.value) {
        local.drop(part);  // the server has it (its answer was lost with the tab)
      } else {
        offerText(form, copy);
      }
    });
    var byTable = new Map();
    local.parts("o:").forEach(function (part) {
      var copy = local.get(part);
      var input = document.querySelector(".figures input[name='" + CSS.escape(part.slice(2)) + "']");
      if (!copy || !input) { return; }
      if (copy.raw === input.value) {
        local.drop(part);
        return;
      }
      var table = input.closest("form.figures");
      if (!byTable.has(table)) { byTable.set(table, []); }
      byTable.get(table).push({ part: part, copy: copy, input: input });
    });
    byTable.forEach(function (found, table) { offerCells(table, found); });
  }

  // --- One section at a time on a phone -------------------------------------------------------

  // The steps: each section with something of its own (guidance, text, editor, table, remark;
  // a heading over sub-sections alone is not one), then the end (submit, review, timeline).
  // The page's CSS hides all but the current one on a narrow screen only (.steps-on).
  function startSteps() {
    var layout = document.querySelector(".report-layout[data-steps]");
    var body = layout && layout.querySelector(".report-body");
    var bar = layout && layout.querySelector("nav.steps");
    if (!body || !bar) { return; }
    var phone = window.matchMedia("screen and (max-width: 59.99rem)");
    var steps = Array.prototype.filter.call(body.querySelectorAll(".rs, .report-end"), function (el) {
      if (el.matches(".report-end")) { return el.children.length > 0; }
      return Array.prototype.some.call(el.children, function (child) {
        return !child.matches(".rs__title, .rs");
      });
    });
    if (!steps.length) { return; }
    var menu = layout.querySelector(".report-nav details");

    function stepOf(elt) {
      if (!elt || !body.contains(elt)) { return null; }
      var end = elt.closest(".report-end");
      if (end) { return end; }
      var section = elt.closest(".rs");
      if (!section) { return null; }
      if (steps.indexOf(section) >= 0) { return section; }
      return steps.find(function (step) { return section.contains(step); }) || null;
    }

    function titleOf(step) {
      var title = step.matches(".report-end") ? step.querySelector("h2")
        : step.querySelector(":scope > .rs__title");
      if (!title) { return ""; }
      var copy = title.cloneNode(true);
      copy.querySelectorAll(".noteref").forEach(function (ref) { ref.remove(); });
      return copy.textContent.trim();
    }

    function point(link, step) {
      link.hidden = !step;
      if (step) {
        link.setAttribute("href", "#" + step.id);
        link.querySelector(".steps__title").textContent = titleOf(step);
      }
    }

    function show(step, target, scroll) {
      steps.forEach(function (each) { each.classList.toggle("is-step", each === step); });
      body.querySelectorAll(".is-path").forEach(function (each) { each.classList.remove("is-path"); });
      for (var up = step.parentElement.closest(".rs"); up; up = up.parentElement.closest(".rs")) {
        up.classList.add("is-path");
      }
      var at = steps.indexOf(step);
      point(bar.querySelector(".steps__prev"), steps[at - 1]);
      point(bar.querySelector(".steps__next"), steps[at + 1]);
      layout.querySelectorAll("[data-step-where]").forEach(function (where) {
        where.textContent = (at + 1) + "/" + steps.length;
      });
      layout.querySelectorAll(".report-nav a").forEach(function (link) {
        if (link.getAttribute("href") === "#" + step.id) {
          link.setAttribute("aria-current", "location");
        } else {
          link.removeAttribute("aria-current");
        }
      });
      if (!scroll || !phone.matches) { return; }
      if (target && target !== step) {
        target.scrollIntoView();
      } else {
        layout.scrollIntoView();
        var title = step.matches(".report-end") ? step.querySelector("h2")
          : step.querySelector(":scope > .rs__title");
        if (title) {
          title.setAttribute("tabindex", "-1");
          title.focus({ preventScroll: true });
        }
      }
    }

    function fromHash() {
      var id = decodeURIComponent(location.hash.slice(1));
      var target = id ? document.getElementById(id) : null;
      var step = stepOf(target);
      return step ? { step: step, target: target } : null;
    }

    layout.classList.add("steps-on");
    bar.hidden = false;
    var asked = fromHash();
    if (asked) {
      show(asked.step, asked.target, true);
    } else {
      // What needs the writer first: an error or a conflict, a copy to bring back.
      var first = body.querySelector("[role=alert], .restore, .editor__error, .has-error");
      show(stepOf(first) || steps[0], null, false);
    }
    window.addEventListener("hashchange", function () {
      var found = fromHash();
      if (found) { show(found.step, found.target, true); }
    });
    if (menu) {
      menu.addEventListener("click", function (event) {
        if (phone.matches && event.target.closest("a")) { menu.open = false; }
      });
    }
  }

  function start() {
    if (window.matchMedia("(max-width: 59.99rem)").matches) {
      document.querySelectorAll("details[data-fold-on-phone]").forEach(function (details) {
        details.open = false;
      });
    }
    remember(document);
    offerCopies();
    startSteps();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
