/* Logging out leaves nothing typed behind on a shared computer, and loses nothing silently.

   The report page keeps text and figures that have not reached the server in localStorage
   (report.js), under "baocao:chua-luu:<user>:<report>:". Logging out deletes this person's
   copies; when there are any, the person is asked first (they were typed offline and never
   saved), and may stay to save them instead. */
(function () {
  "use strict";

  var PREFIX = "baocao:chua-luu:";
  var FALLBACK = "Còn %(count)s nội dung chưa lưu trên máy này. Đăng xuất và xoá chúng?";  // a page without the question

  function copiesOf(user) {
    var found = [];
    try {
      for (var i = 0; i < window.localStorage.length; i++) {
        var name = window.localStorage.key(i);
        if (name && name.indexOf(PREFIX + user + ":") === 0) { found.push(name); }
      }
    } catch (error) { /* storage refused: nothing kept here */ }
    return found;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form.logout[data-user]")) { return; }
    var copies = copiesOf(form.dataset.user);
    if (!copies.length) { return; }
    var question = (form.dataset.leaveQuestion || FALLBACK).replace("%(count)s", String(copies.length));
    if (!window.confirm(question)) {
      event.preventDefault();
      return;
    }
    copies.forEach(function (name) {
      try { window.localStorage.removeItem(name); } catch (error) { /* gone already */ }
    });
  });
})();
