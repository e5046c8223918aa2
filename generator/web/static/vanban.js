// vanban — small helps on top of plain forms; every page works without this file.
"use strict";
(function () {
  const csrf = document.querySelector('meta[name="csrf"]').content;

  // Sinh văn bản: show the build's progress while the form is posted
  document.querySelectorAll("form[data-progress]").forEach(function (form) {
    form.addEventListener("submit", function () {
      const bar = form.querySelector("progress"), text = form.querySelector(".progress-text");
      form.querySelector("button").disabled = true;
      bar.hidden = false; text.textContent = "Đang sinh văn bản…";
      const stop = form.querySelector("button.stop");
      if (stop) {
        stop.hidden = false;
        stop.addEventListener("click", function () {
          stop.disabled = true; text.textContent = "Đang dừng…";
          fetch("/api/build/cancel", { method: "POST", headers: { "X-CSRF-Token": csrf } });
        });
      }
      const timer = setInterval(function () {
        fetch("/api/build/progress").then(r => r.json()).then(function (p) {
          if (p.total) { bar.max = p.total; bar.value = p.done; text.textContent = "Đang sinh văn bản: " + p.done + "/" + p.total; }
        }).catch(function () { clearInterval(timer); });
      }, 300);
    });
  });

  // Dữ liệu: insert a reference at the cursor; show the sentence as it will read
  function preview(field) {
    const out = document.querySelector('[data-preview-for="' + field.id + '"]');
    if (!out) return;
    if (field.value.indexOf("{{") < 0) { out.hidden = true; return; }
    const body = new URLSearchParams({ text: field.value });
    fetch("/du-lieu/xem-truoc", { method: "POST", headers: { "X-CSRF-Token": csrf }, body: body })
      .then(r => r.text()).then(function (t) { out.hidden = false; out.querySelector("q").textContent = t; });
  }
  document.querySelectorAll("[data-prose]").forEach(function (field) {
    let wait;
    field.addEventListener("input", function () { clearTimeout(wait); wait = setTimeout(function () { preview(field); }, 400); });
  });
  const inserts = document.getElementById("chen-gia-tri");
  document.querySelectorAll("[data-refs-for]").forEach(function (place) {
    if (!inserts) return;
    place.appendChild(inserts.content.cloneNode(true));
    const field = document.getElementById(place.dataset.refsFor);
    const pick = place.querySelector(".ref-pick"), button = place.querySelector(".ref-insert");
    pick.setAttribute("aria-controls", field.id);
    button.addEventListener("click", function () {
      if (!pick.value) { pick.focus(); return; }
      const text = "{{ " + pick.value.trim() + " }}";
      const at = field.selectionStart ?? field.value.length, end = field.selectionEnd ?? at;
      field.value = field.value.slice(0, at) + text + field.value.slice(end);
      field.focus(); field.setSelectionRange(at + text.length, at + text.length);
      preview(field);
    });
  });

  // Dữ liệu: a change of shape leaves the page; say so when fields were changed and not saved
  const data = document.getElementById("bieu-mau");
  if (data) {
    let dirty = false;
    // the fields of this form only: the name of an item to add belongs to the other form
    function changed(e) { if (e.target.form === data && e.target.name) dirty = true; }
    data.addEventListener("input", changed);
    data.addEventListener("change", changed);
    data.addEventListener("submit", function () { dirty = false; });
    document.querySelectorAll('button[form="cau-truc"]').forEach(function (button) {
      button.addEventListener("click", function (e) {
        if (dirty && !confirm("Các ô bạn vừa sửa chưa được lưu và sẽ mất. Vẫn tiếp tục?")) e.preventDefault();
      });
    });
  }

  // Đơn vị: confirm before a unit is removed
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (e) { if (!confirm(form.dataset.confirm)) e.preventDefault(); });
  });

  // Nhận báo cáo: drop files on the zone; say which are chosen
  document.querySelectorAll(".drop").forEach(function (zone) {
    const input = document.getElementById(zone.dataset.dropFor), said = zone.querySelector(".chosen");
    function show() {
      const n = input.files.length;
      said.textContent = n ? "Đã chọn " + n + " tệp: " + Array.from(input.files).map(f => f.name).join(", ") : "Chưa chọn tệp nào.";
    }
    input.addEventListener("change", show);
    ["dragenter", "dragover"].forEach(ev => zone.addEventListener(ev, function (e) { e.preventDefault(); zone.classList.add("over"); }));
    ["dragleave", "drop"].forEach(ev => zone.addEventListener(ev, function (e) { e.preventDefault(); zone.classList.remove("over"); }));
    zone.addEventListener("drop", function (e) { input.files = e.dataTransfer.files; show(); });
  });
})();
