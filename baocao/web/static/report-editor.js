/* The rich-text editor over each section's textarea (TipTap 3, vendor/tiptap-*.min.js, built by
   scripts/build-editor.sh). Loaded before report.js, only where the page says so
   (BAOCAO_RICH_EDITOR); without it, or without JavaScript, the textarea of plain lines works
   as before.

   The textarea stays the form's field: it is hidden, holds the editor's HTML (the form's
   "format" field says "html"), and gets the `input` and `blur` events that the autosave (htmx),
   the copies kept on this device and the unsaved-work check (report.js) listen to. The server
   sanitises what arrives (baocao.richtext.clean_section_text: its allow-list is the final word);
   the editor's schema holds only what that format keeps: paragraphs, a sub-heading (h4), bold,
   italics, underlining, line breaks, bulleted and numbered lists (nested), tables (cells
   merged and split: colspan/rowspan). The outline says nothing of sub-headings: the toolbar
   offers one in every section.

   Pasting: Word's list paragraphs (mso-list) become real nested lists before the editor reads
   the clipboard; everything else the schema does not know is dropped by the editor's parser.

   The conflict panel and the copy offered back after a crash stay plain lines: `BaocaoRich.lines`
   turns the editor's HTML into the lines the server would show (richtext.editable_lines). The
   panel carries the HTML beside the lines (mine_html): "Giữ bản của tôi" keeps the formatting
   while the lines are left as they are (views.report._kept_mine).

   The words (toolbar labels, hint) come from the page: #mau-soan-thao, #mau-soan-thao-goi-y. */
(function () {
  "use strict";

  var T = window.BaocaoTiptap;
  var BLOCK = /^\s*<(p|h4|ul|ol|table)[\s>]/i;

  // --- Plain lines <-> HTML --------------------------------------------------------------------

  function escape(text) {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  // Lines as typed in the textarea: a paragraph per line, "- "/"+ " lines as bullets.
  function fromLines(text) {
    var parts = [];
    var bullets = [];
    (text || "").split("\n").forEach(function (line) {
      line = line.trim();
      var bullet = line.match(/^[-+•–]\s+(.*)$/);
      if (bullet) {
        bullets.push("<li><p>" + escape(bullet[1]) + "</p></li>");
        return;
      }
      if (bullets.length) { parts.push("<ul>" + bullets.join("") + "</ul>"); bullets = []; }
      if (line) { parts.push("<p>" + escape(line) + "</p>"); }
    });
    if (bullets.length) { parts.push("<ul>" + bullets.join("") + "</ul>"); }
    return parts.join("");
  }

  function words(node) { return (node.textContent || "").replace(/\s+/g, " ").trim(); }

  // A numbered item's mark as richtext.list_mark writes it: "3.", "c)", "C.", "iii.", "III.".
  var ROMAN = [[100, "C"], [90, "XC"], [50, "L"], [40, "XL"], [10, "X"], [9, "IX"], [5, "V"], [4, "IV"], [1, "I"]];
  function listMark(type, number) {
    var shown = String(number);
    if (type === "a" || type === "A") {
      shown = "";
      for (var value = number; value > 0; value = Math.floor((value - 1) / 26)) {
        shown = String.fromCharCode(97 + (value - 1) % 26) + shown;
      }
      shown = type === "A" ? shown.toUpperCase() : shown;
    } else if (type === "i" || type === "I") {
      shown = "";
      var rest = number;
      ROMAN.forEach(function (pair) { while (rest >= pair[0]) { shown += pair[1]; rest -= pair[0]; } });
      shown = type === "i" ? shown.toLowerCase() : shown;
    }
    return shown + (type === "a" ? ")" : ".");
  }

  // The ol type a Word list's first mark says, as richtext._marker_type reads it: "a)"
  // letters, "i." or "IV." Roman numerals (a single letter other than i is a letter), ""
  // digits or a bullet.
  var ROMAN_LOWER = /^(?=[ivxlc])m*(?:c[md]|d?c{0,3})(?:x[cl]|l?x{0,3})(?:i[xv]|v?i{0,3})$/;
  function typeOfMark(mark) {
    var token = mark.replace(/^[().\t ]+|[().\t ]+$/g, "");
    if (!/^[a-zA-Z]+$/.test(token)) { return ""; }
    var roman = ROMAN_LOWER.test(token.toLowerCase()) && (token.length > 1 || /^[iI]$/.test(token));
    if (token === token.toLowerCase()) { return roman ? "i" : (token.length === 1 ? "a" : ""); }
    if (token === token.toUpperCase()) { return roman ? "I" : (token.length === 1 ? "A" : ""); }
    return "";
  }

  // Stored or editor HTML as plain lines, like richtext.editable_lines: a line per paragraph,
  // "- " before a bullet, "1. " (or "a) ", "I. ") before a numbered item, a table row as
  // "a | b | c".
  function toLines(html) {
    if (!html || !BLOCK.test(html)) { return html || ""; }
    var body = new DOMParser().parseFromString(html, "text/html").body;
    var lines = [];
    function inline(node) {
      var text = "";
      node.childNodes.forEach(function (child) {
        if (child.nodeType === 3) { text += child.nodeValue; }
        else if (child.nodeName === "BR") { text += "\n"; }
        else if (!/^(UL|OL|TABLE)$/.test(child.nodeName)) {
          text += /^(P|H4)$/.test(child.nodeName) && text ? "\n" + inline(child) : inline(child);
        }
      });
      return text;
    }
    function push(prefix, text) {
      text.split("\n").forEach(function (line, index) {
        line = line.replace(/\s+/g, " ").trim();
        if (line) { lines.push((index === 0 ? prefix : "") + line); }
      });
    }
    function walk(node, listsOnly) {
      node.childNodes.forEach(function (child) {
        if (listsOnly && !/^(UL|OL)$/.test(child.nodeName)) { return; }
        var name = child.nodeName;
        if (name === "UL" || name === "OL") {
          var number = 0;
          child.childNodes.forEach(function (item) {
            if (item.nodeName !== "LI") { return; }
            number += 1;
            push(name === "OL" ? listMark(child.getAttribute("type") || "1", number) + " " : "- ", inline(item));
            walk(item, true);  // its nested lists
          });
        } else if (name === "TABLE") {
          child.querySelectorAll("tr").forEach(function (row) {
            var cells = Array.prototype.map.call(row.children, words);
            if (cells.some(Boolean)) { lines.push(cells.join(" | ")); }
          });
        } else if (name === "P" || name === "H4" || name === "DIV") {
          push("", inline(child));
        } else if (child.nodeType === 3 && child.nodeValue.trim()) {
          push("", child.nodeValue);
        }
      });
    }
    walk(body);
    return lines.join("\n");
  }

  // --- Pasting from Word ------------------------------------------------------------------------

  var MSO_LIST = /mso-list:\s*(l\d+)\s+level(\d+)/i;
  var ORDERED = /^\(?([0-9]{1,4}|[a-zA-Z]|[ivxlcdmIVXLCDM]{1,6})[.)]/;

  // What a clipboard's HTML says with style="..." becomes tags, before any parser sees a
  // style attribute: the page's CSP refuses inline styles even in a document that is only
  // parsed (it reports each one), and the stored format keeps none.
  function unstyled(html) {
    return html
      .replace(/<style[\s\S]*?<\/style\s*>/gi, "")
      .replace(/<[a-zA-Z][^>]*>/g, function (tag) { return tag.replace(/\sstyle\s*=/gi, " data-style="); });
  }

  function styleOf(node) { return (node.getAttribute("data-style") || "").toLowerCase(); }

  function wrapChildren(doc, node, name) {
    var wrapper = doc.createElement(name);
    while (node.firstChild) { wrapper.appendChild(node.firstChild); }
    node.appendChild(wrapper);
  }

  // Bold, italics and underlining given by style (LibreOffice, Google Docs, Word's spans) as
  // <strong>, <em>, <u>; Google Docs' <b style="font-weight:normal"> wrapper is not bold.
  function stylesAsTags(doc) {
    doc.body.querySelectorAll("[data-style]").forEach(function (node) {
      var style = styleOf(node);
      var weight = (style.match(/font-weight:\s*([a-z0-9]+)/) || [])[1] || "";
      if (/^(b|strong)$/i.test(node.nodeName) && (weight === "normal" || weight === "400")) {
        var span = doc.createElement("span");
        while (node.firstChild) { span.appendChild(node.firstChild); }
        node.replaceWith(span);
        return;
      }
      if (/^(td|th|tr|table|tbody|thead|ul|ol|li)$/i.test(node.nodeName)) { return; }
      if (weight === "bold" || weight === "bolder" || parseInt(weight, 10) >= 600) { wrapChildren(doc, node, "strong"); }
      if (/font-style:\s*(italic|oblique)/.test(style)) { wrapChildren(doc, node, "em"); }
      if (/text-decoration[a-z-]*:[^;]*underline/.test(style)) { wrapChildren(doc, node, "u"); }
    });
  }

  // Word's clipboard has no <ul>/<ol>: each item is a paragraph styled "mso-list:l0 level2"
  // whose number or bullet is a span styled "mso-list:Ignore". They become nested lists here.
  function wordLists(doc) {
    var stack = [];
    doc.body.querySelectorAll("p, h1, h2, h3, h4, h5, h6").forEach(function (para) {
      var found = styleOf(para).match(MSO_LIST);
      if (!found) { return; }
      var level = parseInt(found[2], 10) || 1;
      var marker = "";
      para.querySelectorAll("span").forEach(function (span) {
        if (/mso-list:\s*ignore/.test(styleOf(span)) && span.isConnected) {
          marker += span.textContent;
          span.remove();
        }
      });
      var mark = marker.replace(/\u00a0/g, " ").trim();
      var ordered = ORDERED.test(mark);
      // A list goes on while its paragraphs follow each other and keep Word's list id.
      if (!stack.length || para.previousElementSibling !== stack[0].list || stack[0].id !== found[1]) {
        stack = [];
      }
      while (stack.length && stack[stack.length - 1].level > level) { stack.pop(); }
      var top = stack[stack.length - 1];
      if (!top || top.level < level) {
        var list = doc.createElement(ordered ? "ol" : "ul");
        if (ordered && typeOfMark(mark)) { list.setAttribute("type", typeOfMark(mark)); }
        if (top && top.item) { top.item.appendChild(list); } else { para.parentNode.insertBefore(list, para); }
        top = { level: level, list: list, item: null, id: found[1] };
        stack.push(top);
      }
      var item = doc.createElement("li");
      var inner = doc.createElement("p");
      while (para.firstChild) { inner.appendChild(para.firstChild); }
      item.appendChild(inner);
      top.list.appendChild(item);
      top.item = item;
      para.remove();
    });
  }

  // Every paste's HTML, before the editor's parser keeps what its schema knows.
  function pasted(html) {
    var doc = new DOMParser().parseFromString(unstyled(html), "text/html");
    doc.body.querySelectorAll("[style]").forEach(function (node) { node.removeAttribute("style"); });
    if (MSO_LIST.test(html)) { wordLists(doc); }
    stylesAsTags(doc);
    // LibreOffice writes a nested list beside its item, not in it: put it in.
    doc.body.querySelectorAll("ul > ul, ul > ol, ol > ul, ol > ol").forEach(function (list) {
      var item = list.previousElementSibling;
      if (item && item.nodeName === "LI") { item.appendChild(list); }
    });
    // Headings of any level are the section's one sub-heading level, as the server reads them.
    doc.body.querySelectorAll("h1, h2, h3, h5, h6").forEach(function (heading) {
      var sub = doc.createElement("h4");
      while (heading.firstChild) { sub.appendChild(heading.firstChild); }
      heading.replaceWith(sub);
    });
    doc.body.querySelectorAll("[data-style], [class]").forEach(function (node) {
      node.removeAttribute("data-style");
      node.removeAttribute("class");
    });
    return doc.body.innerHTML;
  }

  // --- The editor ---------------------------------------------------------------------------------

  var editors = new WeakMap();  // form -> editor

  function extensions() {
    // Cells: the schema's colspan/rowspan, no alignment (it would be an inline style, which
    // the page's CSP refuses and the stored format drops); a cell holds paragraphs.
    function spansOnly() {
      var attributes = this.parent ? this.parent() : {};
      delete attributes.align;
      return attributes;
    }
    return [
      T.Document, T.Paragraph, T.Text, T.Bold, T.Italic, T.Underline, T.HardBreak,
      T.Heading.configure({ levels: [4] }),
      T.BulletList, T.OrderedList, T.ListItem, T.ListKeymap,
      // No <colgroup> with widths in inline styles: a plain table, as stored.
      T.Table.extend({
        renderHTML: function () { return ["table", ["tbody", 0]]; }
      }).configure({ resizable: false, View: null }),
      T.TableRow,
      T.TableHeader.extend({ addAttributes: spansOnly, content: "paragraph+" }),
      T.TableCell.extend({ addAttributes: spansOnly, content: "paragraph+" }),
      T.UndoRedo, T.Gapcursor
    ];
  }

  function htmlOf(editor) { return editor.isEmpty ? "" : editor.getHTML(); }

  function contentFor(value) { return BLOCK.test(value || "") ? value : fromLines(value); }

  var COMMANDS = {
    heading: function (c) { return c.toggleHeading({ level: 4 }); },
    bold: function (c) { return c.toggleBold(); },
    italic: function (c) { return c.toggleItalic(); },
    underline: function (c) { return c.toggleUnderline(); },
    bullets: function (c) { return c.toggleBulletList(); },
    numbers: function (c) { return c.toggleOrderedList(); },
    indent: function (c) { return c.sinkListItem("listItem"); },
    outdent: function (c) { return c.liftListItem("listItem"); },
    table: function (c) { return c.insertTable({ rows: 3, cols: 3, withHeaderRow: false }); },
    row: function (c) { return c.addRowAfter(); },
    column: function (c) { return c.addColumnAfter(); },
    deleteRow: function (c) { return c.deleteRow(); },
    deleteColumn: function (c) { return c.deleteColumn(); },
    merge: function (c) { return c.mergeCells(); },
    split: function (c) { return c.splitCell(); },
    deleteTable: function (c) { return c.deleteTable(); },
    undo: function (c) { return c.undo(); },
    redo: function (c) { return c.redo(); }
  };
  var PRESSED = {
    heading: "heading", bold: "bold", italic: "italic", underline: "underline",
    bullets: "bulletList", numbers: "orderedList"
  };
  // Buttons usable only when their command can run here: merging wants cells selected
  // (Shift+arrows, or the mouse across cells), splitting a merged cell.
  var WHEN = {
    merge: function (editor) { return editor.can().mergeCells(); },
    split: function (editor) { return editor.can().splitCell(); }
  };

  function start(form) {
    if (!T || editors.has(form) || form.hasAttribute("data-unsaved")) { return; }
    var text = form.querySelector("textarea[name=text]");
    var format = form.querySelector("input[name=format]");
    var template = document.getElementById("mau-soan-thao");
    if (!text || !format || !template || text.readOnly) { return; }

    var box = template.content.firstElementChild.cloneNode(true);
    var area = box.querySelector(".rich__area");
    var tools = box.querySelector(".rich__tools");
    var label = form.querySelector(".editor__label");
    var source = text.hasAttribute("data-rich") ? text.getAttribute("data-rich") : fromLines(text.value);
    var attributes = {
      id: "rich-" + text.id,
      role: "textbox",
      "aria-multiline": "true",
      spellcheck: "true",
      lang: document.documentElement.lang || "vi",
      "class": "editor__rich"
    };
    if (label && label.id) { attributes["aria-labelledby"] = label.id; }
    if (text.getAttribute("aria-describedby")) { attributes["aria-describedby"] = text.getAttribute("aria-describedby"); }
    if (text.getAttribute("aria-invalid")) { attributes["aria-invalid"] = text.getAttribute("aria-invalid"); }

    var editor;
    try {
      editor = new T.Editor({
        element: area,
        extensions: extensions(),
        content: source,
        injectCSS: false,  // its rules are in report.css: the CSP allows no <style> element
        editorProps: {
          attributes: attributes,
          transformPastedHTML: pasted,
          handleKeyDown: function (view, event) {
            if (event.key === "Escape") {  // out of the text (Tab indents lists, moves in tables)
              var current = tools.querySelector("button[tabindex='0']:not([disabled])") ||
                tools.querySelector("button:not([disabled])");
              if (current) { current.focus(); }
              return true;
            }
            return false;
          }
        }
      });
    } catch (error) {
      return;  // the textarea stays
    }
    editors.set(form, editor);
    tools.setAttribute("aria-controls", "rich-" + text.id);
    text.parentNode.insertBefore(box, text);
    text.hidden = true;
    format.value = "html";
    form.classList.add("editor--rich");
    var hint = form.querySelector(".editor__hint");
    var said = document.getElementById("mau-soan-thao-goi-y");
    if (hint && said) { hint.textContent = said.content.textContent.trim(); }

    // The field holds the editor's HTML from now on; what report.js took for the server's
    // copy of it follows.
    var before = text.value;
    text.value = htmlOf(editor);
    if (text.dataset.saved !== undefined && text.dataset.saved === before) { text.dataset.saved = text.value; }

    editor.on("update", function () {
      var value = htmlOf(editor);
      if (value === text.value) { return; }
      text.value = value;
      text.dispatchEvent(new Event("input", { bubbles: true }));
    });
    editor.on("blur", function () { text.dispatchEvent(new Event("blur")); });

    // Set from outside (a copy brought back after a crash): the editor shows it, the field
    // holds it as the editor writes it.
    text.addEventListener("baocao-text-set", function () {
      editor.commands.setContent(contentFor(text.value), { emitUpdate: false });
      text.value = htmlOf(editor);
    });
    if (label) {
      label.addEventListener("click", function (event) {
        event.preventDefault();
        editor.commands.focus();
      });
    }

    function refresh() {
      var inTable = editor.isActive("table");
      tools.querySelectorAll("[data-command]").forEach(function (button) {
        var name = button.dataset.command;
        if (PRESSED[name]) { button.setAttribute("aria-pressed", editor.isActive(PRESSED[name]) ? "true" : "false"); }
        if (button.hasAttribute("data-in-table")) { button.disabled = !inTable || (WHEN[name] ? !WHEN[name](editor) : false); }
      });
      if (!tools.querySelector("button[tabindex='0']:not([disabled])")) { current(tools.querySelector("button")); }
    }
    tools.addEventListener("click", function (event) {
      var button = event.target.closest("[data-command]");
      if (!button || !COMMANDS[button.dataset.command]) { return; }
      COMMANDS[button.dataset.command](editor.chain().focus()).run();
    });
    // The toolbar is one stop in the tab order (WAI-ARIA's toolbar pattern): the arrow keys,
    // Home and End move along its buttons; Tab goes on to the text.
    function usable() {
      return Array.prototype.filter.call(tools.querySelectorAll("button"), function (b) { return !b.disabled; });
    }
    function current(button) {
      tools.querySelectorAll("button").forEach(function (each) {
        each.setAttribute("tabindex", each === button ? "0" : "-1");
      });
    }
    current(tools.querySelector("button"));
    tools.addEventListener("focusin", function (event) {
      if (event.target.matches("button")) { current(event.target); }
    });
    tools.addEventListener("keydown", function (event) {
      var buttons = usable();
      var at = buttons.indexOf(document.activeElement);
      var to = {
        ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: buttons.length - 1
      }[event.key];
      if (at < 0 || to === undefined) { return; }
      buttons[(to + buttons.length) % buttons.length].focus();
      event.preventDefault();
    });
    editor.on("transaction", refresh);
    refresh();
  }

  function startAll(root) {
    if (!root || !root.querySelectorAll) { return; }
    if (root.matches && root.matches("form.editor")) { start(root); }
    root.querySelectorAll("form.editor").forEach(start);
  }

  window.BaocaoRich = {
    lines: toLines,
    fromLines: fromLines,
    pasted: pasted,
    editor: function (form) { return editors.get(form) || null; },
    on: function (form) { return editors.has(form); }
  };

  if (!T) { return; }
  startAll(document);
  document.addEventListener("htmx:load", function (event) { startAll(event.detail.elt); });
})();
