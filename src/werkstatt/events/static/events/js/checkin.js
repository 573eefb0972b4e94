// Check-in: read a ticket's QR code with the camera where the browser offers the
// BarcodeDetector API, put the code into the form and submit it. Without the API (or without
// a camera), staff type the code; the form works the same either way.
(function () {
  "use strict";
  var form = document.getElementById("checkin-form");
  var section = document.querySelector("[data-scanner]");
  if (!form || !section) return;
  var input = form.querySelector("input[name=code]");
  if (input) input.focus();
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    return;
  }
  var hint = document.querySelector("[data-scanner-unsupported]");
  if (hint) hint.hidden = true;
  section.hidden = false;
  var video = section.querySelector("[data-scanner-video]");
  var status = section.querySelector("[data-scanner-status]");
  var start = section.querySelector("[data-scanner-start]");
  var stop = section.querySelector("[data-scanner-stop]");
  var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
  var stream = null;
  var busy = false;

  function halt() {
    if (stream) {
      stream.getTracks().forEach(function (track) { track.stop(); });
      stream = null;
    }
    video.srcObject = null;
    start.hidden = false;
    stop.hidden = true;
  }

  function scan() {
    if (!stream || busy) return;
    detector.detect(video).then(function (codes) {
      if (codes.length && codes[0].rawValue) {
        busy = true;
        status.textContent = section.dataset.msgRead;
        input.value = codes[0].rawValue;
        sessionStorage.setItem("werkstatt-checkin-camera", "on");
        halt();
        form.submit();
        return;
      }
      window.requestAnimationFrame(scan);
    }).catch(function () { window.requestAnimationFrame(scan); });
  }

  function begin() {
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (media) {
        stream = media;
        video.srcObject = media;
        return video.play();
      })
      .then(function () {
        start.hidden = true;
        stop.hidden = false;
        window.requestAnimationFrame(scan);
      })
      .catch(function () {
        status.textContent = section.dataset.msgDenied;
        halt();
      });
  }

  start.addEventListener("click", begin);
  stop.addEventListener("click", function () {
    sessionStorage.removeItem("werkstatt-checkin-camera");
    halt();
  });
  // After a scan the page reloads with the result: keep scanning without another click.
  if (sessionStorage.getItem("werkstatt-checkin-camera") === "on") begin();
})();
